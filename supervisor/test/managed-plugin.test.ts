import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { action, advance, errorId, fakeTimers, flush, managedPlugin, submit } from './fakes/managed.js';

afterEach(() => {
  jest.useRealTimers();
});

const QUICK = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000, maxRestarts: 2, windowMs: 60_000, failedRetryMs: 10_000, minUptimeMs: 60_000 };

describe('ManagedPlugin lifecycle (fake process)', () => {
  it('starts: stopped -> starting -> ready, and answers an action', async () => {
    const { plugin, states } = managedPlugin();
    await expect(plugin.start()).resolves.toBe(true);
    expect(states()).toEqual(['starting', 'ready']);
    const answer = await submit(plugin, action(1));
    expect(answer).toEqual({ observation: 'run', content: 'ran run #1', extras: {} });
    await plugin.stop();
    expect(states()).toEqual(['starting', 'ready', 'stopping', 'stopped']);
  });

  it('answers the in-flight action PLUGIN_CRASHED on a crash, restarts after the backoff, and runs the queued one on the new generation', async () => {
    fakeTimers();
    const { plugin, launcher, states, events } = managedPlugin({ run: 'hold' }, { restart: QUICK });
    await plugin.start();
    const inFlight = submit(plugin, action(1));
    const queued = submit(plugin, action(2));
    await flush();
    launcher.last.exit(139);
    expect(errorId(await inFlight)).toBe('PLUGIN_CRASHED');
    expect(plugin.state).toBe('restarting');
    expect(events.find((e) => e.event === 'restart')?.payload).toMatchObject({ attempt: 1, delayMs: 100 });
    await advance(99);
    expect(launcher.processes).toHaveLength(1);
    await advance(1);
    expect(plugin.state).toBe('ready');
    expect(launcher.processes).toHaveLength(2);
    expect(launcher.last.ranIds).toEqual([2]);
    launcher.last.answer();
    expect(errorId(await queued)).toBeUndefined();
    expect(states()).toEqual(['starting', 'ready', 'restarting', 'ready']);
    expect(plugin.status()).toMatchObject({ restarts: 1, lastExit: { code: 139, reason: 'exited' } });
    jest.useRealTimers();
    await plugin.stop();
  });

  it('becomes failed past maxRestarts, answers queued actions at once, and a probe after failedRetryMs brings it back with the history reset', async () => {
    fakeTimers();
    const { plugin, launcher, states, events } = managedPlugin({ initialize: 'exit' }, { restart: QUICK });
    await expect(plugin.start()).resolves.toBe(false);
    const waiting = submit(plugin);
    await advance(100); // restart 1 fails
    await advance(200); // restart 2 fails: the third exit within the window
    expect(plugin.state).toBe('failed');
    expect(errorId(await waiting)).toBe('PLUGIN_UNAVAILABLE');
    expect(events.find((e) => e.event === 'failed')?.payload).toMatchObject({ reason: expect.stringMatching(/exited 3 times within 60000 ms \(maxRestarts 2\)/) });
    const refused = await submit(plugin);
    expect(refused.content).toMatch(/it has failed: .*It will be tried again at/);
    launcher.next({}); // the probe's generation works
    await advance(10_000, 2_500);
    expect(plugin.state).toBe('ready');
    expect(states()).toEqual(['starting', 'restarting', 'failed', 'restarting', 'ready']);
    // The history was reset: the next crash is restarted, not failed.
    launcher.last.exit(1);
    await flush();
    expect(plugin.state).toBe('restarting');
    jest.useRealTimers();
    await plugin.stop();
  });

  it('stays failed after a failed probe, and probes again failedRetryMs later', async () => {
    fakeTimers();
    const { plugin, launcher } = managedPlugin({ initialize: 'exit' }, { restart: { ...QUICK, maxRestarts: 0 } });
    await plugin.start();
    expect(plugin.state).toBe('failed');
    await advance(10_000, 2_500);
    expect(launcher.processes).toHaveLength(2);
    expect(plugin.state).toBe('failed');
    expect(plugin.status().lastError).toMatch(/the probe start failed/);
    await advance(10_000, 2_500);
    expect(launcher.processes).toHaveLength(3);
    jest.useRealTimers();
    await plugin.stop();
  });

  it('stays stopped after an exit when the restart mode is "never", answering actions PLUGIN_UNAVAILABLE', async () => {
    const { plugin, launcher, states } = managedPlugin({}, { restart: { mode: 'never' } });
    await plugin.start();
    launcher.last.exit(1);
    await flush();
    expect(plugin.state).toBe('stopped');
    expect(states()).toEqual(['starting', 'ready', 'stopped']);
    expect((await submit(plugin)).content).toMatch(/it is stopped .*not restarted: restart mode is "never"/);
  });

  it('restart(): stops the current generation gracefully and serves from a fresh one', async () => {
    const { plugin, launcher, states } = managedPlugin();
    await plugin.start();
    await plugin.restart();
    expect(launcher.processes[0]!.exitedWith).toEqual({ code: 0, signal: null });
    expect(plugin.state).toBe('ready');
    expect(plugin.status().generation).toBe(2);
    expect(states()).toEqual(['starting', 'ready', 'restarting', 'ready']);
    await plugin.stop();
  });

  it('reload(): blue/green swap, the old generation stopped once idle, reloads counted', async () => {
    const { plugin, launcher, states, events } = managedPlugin();
    launcher.next({ version: '1' }).next({ version: '2' });
    await plugin.start();
    await plugin.reload();
    await flush();
    expect(states()).toEqual(['starting', 'ready', 'reloading', 'ready']);
    expect(plugin.status()).toMatchObject({ generation: 2, version: '2', reloads: 1 });
    expect(launcher.processes[0]!.exitedWith).toEqual({ code: 0, signal: null });
    expect(events.find((e) => e.event === 'reload')?.payload).toMatchObject({ fromGeneration: 1, toGeneration: 2 });
    await plugin.stop();
  });

  it('a reload whose new generation fails keeps the old one serving and reports lastReloadError', async () => {
    const { plugin, launcher, states } = managedPlugin();
    launcher.next({}).next({ initialize: 'error' });
    await plugin.start();
    await plugin.reload();
    expect(plugin.state).toBe('ready');
    expect(plugin.status()).toMatchObject({ generation: 1, reloads: 0, lastReloadError: expect.stringMatching(/initialize refused/) });
    expect(states()).toEqual(['starting', 'ready', 'reloading', 'ready']);
    expect(errorId(await submit(plugin))).toBeUndefined();
    await plugin.stop();
  });

  it('a reload during a restart backoff starts at once (the way out of a crash loop)', async () => {
    fakeTimers();
    const { plugin, launcher, states } = managedPlugin({}, { restart: { ...QUICK, initialDelayMs: 5_000 } });
    await plugin.start();
    launcher.last.exit(1);
    await flush();
    expect(plugin.state).toBe('restarting');
    await plugin.reload();
    expect(plugin.state).toBe('ready');
    expect(plugin.status()).toMatchObject({ generation: 2, reloads: 1 });
    await advance(5_000); // the cancelled backoff timer starts nothing
    expect(launcher.processes).toHaveLength(2);
    expect(states()).toEqual(['starting', 'ready', 'restarting', 'ready']);
    jest.useRealTimers();
    await plugin.stop();
  });

  it('a crash of the old generation while the new one starts schedules no restart: the new one serves', async () => {
    const { plugin, launcher, events } = managedPlugin();
    launcher.next({}).next({ initialize: 'hang' });
    await plugin.start();
    const reloading = plugin.reload();
    await flush();
    launcher.processes[0]!.exit(1);
    await flush();
    expect(plugin.state).toBe('reloading');
    expect(events.filter((e) => e.event === 'restart')).toEqual([]);
    const gen2 = launcher.processes[1]!;
    gen2.send({ id: gen2.received[0]!.id, result: { name: 'fake', version: '2', protocolVersion: 1, actions: ['run'] } });
    await reloading;
    expect(plugin.state).toBe('ready');
    expect(plugin.status()).toMatchObject({ generation: 2, restarts: 0 });
    await plugin.stop();
  });

  it('a crash of a draining generation answers its own actions PLUGIN_CRASHED and schedules no restart', async () => {
    const { plugin, launcher, events } = managedPlugin({ run: 'hold' });
    await plugin.start();
    const onOld = submit(plugin, action(1));
    await flush();
    await plugin.reload();
    const onNew = submit(plugin, action(2));
    await flush();
    launcher.processes[0]!.exit(null, 'SIGKILL');
    expect(errorId(await onOld)).toBe('PLUGIN_CRASHED');
    await flush();
    expect(plugin.state).toBe('ready');
    expect(events.filter((e) => e.event === 'restart')).toEqual([]);
    launcher.processes[1]!.answer();
    expect(errorId(await onNew)).toBeUndefined();
    await plugin.stop();
  });

  it('stop() while the first start waits for initialize kills it and answers queued actions PLUGIN_UNAVAILABLE', async () => {
    const { plugin, launcher, states } = managedPlugin({ initialize: 'hang' });
    const started = plugin.start();
    const queued = submit(plugin);
    await flush();
    await plugin.stop();
    expect(await started).toBe(false);
    expect((await queued).content).toMatch(/plugd is stopping/);
    expect(launcher.last.exitedWith).toEqual({ code: null, signal: 'SIGKILL' });
    expect(states()).toEqual(['starting', 'stopping', 'stopped']);
  });

  it('stop() waits for in-flight actions (up to shutdownMs), then stops the plugin gracefully', async () => {
    const { plugin, launcher } = managedPlugin({ run: 'hold' });
    await plugin.start();
    const running = submit(plugin, action(7));
    await flush();
    const stopping = plugin.stop();
    await flush();
    expect(launcher.last.alive).toBe(true);
    launcher.last.answer();
    expect(errorId(await running)).toBeUndefined();
    await stopping;
    expect(launcher.last.exitedWith).toEqual({ code: 0, signal: null });
  });

  it('refuses actions once stopped', async () => {
    const { plugin } = managedPlugin();
    await plugin.start();
    await plugin.stop();
    expect((await submit(plugin)).content).toMatch(/cannot run "run": it is stopped/);
  });
});
