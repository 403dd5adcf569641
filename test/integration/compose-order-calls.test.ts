/**
 * Start order (dependsOn, rest_for_one restartWith, a failed dependency, a cycle) and
 * plugin-to-plugin calls (plugd/execute: routed, permission, depth, cancellation,
 * trace chain), with real plugin processes.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { ComposeHarness, composePlugin, configOf } from '../helpers/compose.js';
import { FAST_RESTART, errorId, nodeFixture } from '../helpers/supervision.js';

let h: ComposeHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('dependsOn', () => {
  it('starts a chain in order, stops it in reverse, and restarts a restartWith dependent when its dependency restarts', async () => {
    h = new ComposeHarness({
      plugins: [
        composePlugin('app', { dependsOn: ['cache'], restartWith: true }, { FIXTURE_ACTIONS: 'app', FIXTURE_START_DELAY_MS: '50' }),
        composePlugin('cache', { dependsOn: ['db'] }, { FIXTURE_ACTIONS: 'cache' }),
        composePlugin('db', {}, { FIXTURE_ACTIONS: 'db,dbcrash', FIXTURE_START_DELAY_MS: '200' }),
      ],
    });
    await h.supervisor.start();
    expect(h.events('ready').map((e) => e.plugin)).toEqual(['db', 'cache', 'app']);

    // cache restarts (crash mid-action): app, which declares restartWith, restarts after it.
    const appReady = h.next('ready', (e) => e.plugin === 'app');
    await h.run('cache', { crash: true });
    await appReady;
    expect(h.events('ready').map((e) => e.plugin)).toEqual(['db', 'cache', 'app', 'cache', 'app']);

    await h.supervisor.stop();
    const stops = h.events('exit').filter((e) => e.expected).map((e) => e.plugin);
    expect(stops.slice(-3)).toEqual(['app', 'cache', 'db']);
  });

  it('leaves a dependent waiting, saying why, while its dependency fails; a cycle is a config error naming it', async () => {
    h = new ComposeHarness({
      plugins: [
        { name: 'db', command: nodeFixture('crash-on-start.mjs'), actions: ['db'], restart: { ...FAST_RESTART, maxRestarts: 1000 } },
        composePlugin('app', { dependsOn: ['db'], actions: ['app'] }, { FIXTURE_ACTIONS: 'app' }),
      ],
    });
    await h.supervisor.start();
    expect(h.status('app')).toMatchObject({ state: 'waiting', reason: expect.stringMatching(/^waiting for db \((restarting|failed|starting)/) });
    const refused = await h.run('app');
    expect(errorId(refused)).toBe('PLUGIN_UNAVAILABLE');
    expect(refused.content).toContain('waiting for db');
    expect(h.events('spawn').filter((e) => e.plugin === 'app')).toHaveLength(0);

    expect(() =>
      configOf({ plugins: [composePlugin('a', { dependsOn: ['b'] }), composePlugin('b', { dependsOn: ['c'] }), composePlugin('c', { dependsOn: ['a'] })] }),
    ).toThrow(/plugins\[0\]\.dependsOn: dependency cycle: a -> b -> c -> a/);
  });
});

describe('plugin-to-plugin calls', () => {
  const plugins = (callerExtra: Record<string, unknown> = {}) => [
    composePlugin('caller', { calls: ['echo', 'call', 'slow'], ...callerExtra }, { FIXTURE_ACTIONS: 'call' }),
    composePlugin('callee', { trace: 'messages' }, { FIXTURE_ACTIONS: 'echo,slow,read' }),
  ];

  it('routes a call like any action and shows the caller in the callee trace; refuses a type not in calls and past the depth limit', async () => {
    h = new ComposeHarness({ maxCallDepth: 2, plugins: plugins() });
    await h.supervisor.start();
    const ok = await h.run('call', { action: { action: 'echo', args: { text: 'hi' } } });
    expect(ok).toMatchObject({ observation: 'call', content: 'callee:hi' });
    const run = (h.supervisor.trace.lastFrames('callee') ?? []).find((f) => f.method === 'run' && f.dir === 'out');
    expect(run?.caller).toEqual({ plugin: 'caller', requestId: expect.any(Number), depth: 1 });
    expect(h.events('call')).toEqual([expect.objectContaining({ plugin: 'caller', type: 'echo', depth: 1, outcome: 'ok' })]);

    const denied = await h.run('call', { action: { action: 'read', args: {} } });
    expect(denied.extras).toMatchObject({ inner: { extras: { error_id: 'CALL_REFUSED' } } });
    expect(denied.content).toMatch(/may not run "read" actions; allow it in its config: "calls": \[.*"read"\]/);

    // call -> call -> call: the third level is past maxCallDepth 2.
    const nest = (depth: number): Record<string, unknown> => (depth === 0 ? { action: 'echo', args: { text: 'deep' } } : { action: 'call', args: { action: nest(depth - 1) } });
    const deep = await h.run('call', (nest(3) as { args: Record<string, unknown> }).args);
    expect(deep.content).toMatch(/call depth 3 is past the limit of 2/);
  });

  it('gives the callee what is left of the caller deadline and cancels it with the caller', async () => {
    h = new ComposeHarness({ plugins: plugins() });
    await h.supervisor.start();
    const began = Date.now();
    const answer = await h.run('call', { action: { action: 'slow', args: { ms: 60_000 } } }, 1.5);
    // Both deadlines fall at the same moment: the caller's answer is its own timeout, or the
    // callee's timeout passed on by the caller, whichever fires first.
    const inside = (answer.extras as { inner?: Parameters<typeof errorId>[0] }).inner;
    expect(errorId(answer) ?? (inside && errorId(inside))).toBe('ACTION_TIMEOUT');
    // The callee got no more time than the caller had left: it ended with it, not 60 s later.
    const inner = h.events('action').find((e) => e.plugin === 'callee') ?? (await h.next('action', (e) => e.plugin === 'callee', 10_000));
    expect(inner.outcome).toBe('ACTION_TIMEOUT');
    expect(inner.durationMs).toBeLessThan(1_600);
    expect(Date.now() - began).toBeLessThan(15_000);
  });
});
