/** An action's timeout is bounded: past 2^31-1 ms Node's setTimeout fires at once (an instant ACTION_TIMEOUT). */
import { describe, expect, it } from '@jest/globals';
import { ActionSchema } from '../src/action.js';
import { MAX_ACTION_TIMEOUT_S, MAX_TIMER_MS } from '../src/limits.js';

describe('action.timeout', () => {
  it('accepts the longest timeout a Node timer can wait', () => {
    expect(MAX_ACTION_TIMEOUT_S * 1000).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(ActionSchema.safeParse({ action: 'run', timeout: MAX_ACTION_TIMEOUT_S }).success).toBe(true);
  });

  it('refuses a longer one with a message naming the value and the maximum', () => {
    const parsed = ActionSchema.safeParse({ action: 'run', timeout: 2_200_000 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['timeout']);
    expect(parsed.error!.issues[0]!.message).toBe(`timeout is 2200000 s, over the maximum of ${MAX_ACTION_TIMEOUT_S} s (about 24.8 days); give a smaller timeout or none`);
  });
});
