/** maxQueued with a real plugin: past it an action is refused at once, the accepted ones all run. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { errorId, harness, nodeFixture } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

let h: Harness | undefined;
afterAll(async () => {
  await h?.stopAndCheck();
});

describe('admission control (maxQueued)', () => {
  it('answers PLUGIN_UNAVAILABLE at once when maxQueued actions already wait, and runs every accepted one', async () => {
    h = harness([{ name: 'one', command: nodeFixture('behave.mjs'), env: { FIXTURE_CONCURRENCY: '1', FIXTURE_ACTIONS: 'sleep' }, maxQueued: 2 }]);
    await h.supervisor.start();
    const running = h.run('sleep', { ms: 1500 });
    const queued = [h.run('sleep', { ms: 10 }), h.run('sleep', { ms: 10 })];
    expect(h.status('one')).toMatchObject({ inFlight: 1, queued: 2 });
    let drained = false;
    void Promise.all([running, ...queued]).then(() => (drained = true));
    const refused = await h.run('sleep', { ms: 10 });
    expect(drained).toBe(false); // answered at once, not once the queue drained
    expect(errorId(refused)).toBe('PLUGIN_UNAVAILABLE');
    expect(refused.content).toMatch(/queue is full \(2 actions waiting, maxQueued 2\)/);
    const accepted = await Promise.all([running, ...queued]);
    expect(accepted.map((o) => o.content)).toEqual(['slept', 'slept', 'slept']);
  });
});
