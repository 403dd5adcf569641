/** The hot path's hand-written checks never accept what the zod schemas refuse, and give the same data. */
import { describe, expect, it } from '@jest/globals';
import { ActionSchema } from '../src/action.js';
import { plainAction, plainObservation, plainRunParams } from '../src/fast-check.js';
import { RunParamsSchema } from '../src/messages.js';
import { MAX_ACTION_TIMEOUT_S } from '../src/limits.js';
import { ObservationSchema } from '../src/observation.js';

const actions: unknown[] = [
  { action: 'run', args: { command: 'ls' } },
  { action: 'run', args: {}, timeout: 5, id: 3, source: 'agent' },
  { action: 'run', args: {}, timeout: null, id: null },
  { action: 'run', args: {}, timeout: MAX_ACTION_TIMEOUT_S },
  { action: 'run' },
  { action: '', args: {} },
  { action: 7, args: {} },
  { action: 'run', args: [] },
  { action: 'run', args: null },
  { action: 'run', args: {}, timeout: 0 },
  { action: 'run', args: {}, timeout: -1 },
  { action: 'run', args: {}, timeout: MAX_ACTION_TIMEOUT_S + 1 },
  { action: 'run', args: {}, timeout: '5' },
  { action: 'run', args: {}, id: 1.5 },
  { action: 'run', args: {}, id: 2 ** 60 },
  ['run'],
  null,
  'run',
];

const observations: unknown[] = [
  { observation: 'run', content: 'ok', extras: { exit_code: 0 } },
  { observation: 'run', content: '', extras: {}, cause: 3, success: true, message: 'm', more: 1 },
  { observation: 'run', content: '', extras: {}, cause: null },
  { observation: '', content: '', extras: {} },
  { observation: 'run', content: 1, extras: {} },
  { observation: 'run', content: '', extras: [] },
  { observation: 'run', content: '', extras: null },
  { observation: 'run', content: '' },
  { observation: 'run', content: '', extras: {}, cause: '3' },
  { observation: 'run', content: '', extras: {}, success: 'yes' },
  { observation: 'run', content: '', extras: {}, message: 5 },
  [],
  undefined,
];

describe('plainAction', () => {
  it.each(actions.map((a) => [JSON.stringify(a), a]))('agrees with ActionSchema on %s', (_, input) => {
    const fast = plainAction(input);
    const zod = ActionSchema.safeParse(input);
    if (fast !== undefined) {
      expect(zod.success).toBe(true);
      expect(fast).toEqual(zod.data);
    }
  });

  it('takes the fast path for an ordinary action', () => {
    expect(plainAction({ action: 'run', args: { command: 'ls' }, timeout: 10 })).toBeDefined();
  });
});

describe('plainObservation', () => {
  it.each(observations.map((o) => [JSON.stringify(o), o]))('agrees with ObservationSchema on %s', (_, raw) => {
    const fast = plainObservation(raw);
    const zod = ObservationSchema.safeParse(raw);
    if (fast !== undefined) {
      expect(zod.success).toBe(true);
      expect(fast).toEqual(zod.data);
    }
  });

  it('takes the fast path for an ordinary observation', () => {
    expect(plainObservation({ observation: 'run', content: 'x', extras: { exit_code: 0 } })).toBeDefined();
  });
});

describe('plainRunParams', () => {
  const cases: unknown[] = [
    { action: { action: 'run', args: {} } },
    { action: { action: 'run', args: {} }, timeoutMs: 1000, session: { cwd: '/tmp' } },
    { action: { action: 'run', args: {} }, session: {} },
    { action: { action: 'run', args: {} }, extra: 1 },
    { action: { action: 'run', args: {} }, session: { cwd: '/tmp', other: 1 } },
    { action: { action: 'run', args: {} }, session: { cwd: 5 } },
    { action: { action: 'run', args: {} }, timeoutMs: -1 },
    { action: { action: 'run' } },
    { action: null },
    null,
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c]))('agrees with RunParamsSchema on %s', (_, params) => {
    const fast = plainRunParams(params);
    const zod = RunParamsSchema.safeParse(params);
    if (fast !== undefined) {
      expect(zod.success).toBe(true);
      expect(fast).toEqual(zod.data);
    }
  });

  it('takes the fast path for what the supervisor sends', () => {
    expect(plainRunParams({ action: { action: 'echo', args: { text: 'hi' } }, timeoutMs: 5000, session: { cwd: '/w' } })).toBeDefined();
  });
});
