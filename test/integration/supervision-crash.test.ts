/**
 * Crashes: on start (backoff), mid-action (PLUGIN_CRASHED), while restarting (actions
 * wait), crash loops (failed -> PLUGIN_UNAVAILABLE at once -> probe). Real processes.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { errorId, harness, nodeFixture } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stopAndCheck();
  h = undefined;
});

describe('crash on start', () => {
  it('restarts with growing backoff, then fails past maxRestarts', async () => {
    h = harness([{ name: 'cos', command: nodeFixture('crash-on-start.mjs'), restart: { initialDelayMs: 20, factor: 2, maxRestarts: 4 } }]);
    const failed = h.next('failed', (e) => e.plugin === 'cos');
    await h.supervisor.start();
    const f = await failed;
    const delays = h.events('restart').map((e) => e.delayMs);
    expect(delays).toEqual([20, 40, 80, 160]);
    expect(h.events('restart').map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
    expect(f.reason).toMatch(/5 times within 60000 ms \(maxRestarts 4\)/);
    expect(f.reason).toContain('exit code 3');
    expect(f.reason).toContain('boom: crash on start');
    expect(f.retryAt).toBeGreaterThan(Date.now() + 30_000);
    const s = h.status('cos');
    expect(s).toMatchObject({ state: 'failed', restarts: 4, pid: undefined });
    expect(s.lastExit).toMatchObject({ code: 3, signal: null });
    expect(Date.parse(s.lastExit!.at)).toBeGreaterThan(0);
    expect(Date.parse(s.nextRetryAt!)).toBe(f.retryAt);
    expect(h.events('spawn').filter((e) => e.plugin === 'cos')).toHaveLength(5);
    expect(h.pids.size).toBe(5);
  });
});

describe('crash mid-action', () => {
  it('answers in-flight actions PLUGIN_CRASHED with the exit code and last stderr lines, then serves again', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    await h.supervisor.start();
    const firstPid = h.status('b').pid;
    expect(await h.run('stderr', { mb: 0.001 })).toMatchObject({ content: 'flooded' });
    const sleeping = [h.run('sleep', { ms: 60_000 }), h.run('sleep', { ms: 60_000 })];
    const crashed = h.run('crash', { code: 7 });
    const ready = h.next('ready', (e) => e.generation === 2);
    const results = await Promise.all([...sleeping, crashed]);
    for (const o of results) {
      expect(errorId(o)).toBe('PLUGIN_CRASHED');
      expect(o.content).toContain('exit code 7');
      expect(o.content).toContain(`pid ${firstPid}`);
      expect(o.content).toMatch(/Last stderr lines:\neeee/);
      expect(Object.keys(o.extras)).toEqual(['error_id']);
    }
    await ready;
    expect(await h.run('echo', { text: 'back' })).toMatchObject({ observation: 'echo', content: 'back' });
    const s = h.status('b');
    expect(s).toMatchObject({ state: 'ready', generation: 2, restarts: 1 });
    expect(s.pid).not.toBe(firstPid);
    expect(s.lastExit).toMatchObject({ code: 7, signal: null, reason: 'exited' });
    expect(s.lastError).toContain('code 7');
  });

  it('names the signal when the plugin is killed by one', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    await h.supervisor.start();
    const pending = h.run('sleep', { ms: 60_000 });
    const exit = h.next('exit', (e) => e.plugin === 'b');
    // wait until the action is in flight, then kill from outside
    while (h.status('b').inFlight === 0) await new Promise((r) => setTimeout(r, 10));
    process.kill(h.status('b').pid!, 'SIGKILL');
    const o = await pending;
    expect(errorId(o)).toBe('PLUGIN_CRASHED');
    expect(o.content).toContain('killed by SIGKILL');
    expect(await exit).toMatchObject({ signal: 'SIGKILL', reason: 'exited', expected: false });
    expect(h.status('b').lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
  });
});

describe('actions arriving while the plugin restarts', () => {
  it('wait until it is ready, or answer PLUGIN_UNAVAILABLE at their deadline', async () => {
    h = harness([{ name: 'slow', command: nodeFixture('behave.mjs'), env: { FIXTURE_START_DELAY_MS: '1500' } }]);
    await h.supervisor.start();
    const restarting = h.next('state', (e) => e.state === 'restarting');
    const crash = h.run('crash', { code: 1 });
    await restarting;
    const patient = h.run('echo', { text: 'waited' }, 60);
    const hasty = h.run('echo', { text: 'too late' }, 0.2);
    expect(errorId(await crash)).toBe('PLUGIN_CRASHED');
    const quick = await hasty;
    expect(errorId(quick)).toBe('PLUGIN_UNAVAILABLE');
    expect(quick.content).toMatch(/did not become ready within the action's 0.2 s timeout/);
    expect(h.status('slow').state).not.toBe('ready');
    expect(await patient).toMatchObject({ observation: 'echo', content: 'waited' });
    expect(h.status('slow')).toMatchObject({ state: 'ready', generation: 2 });
  });
});

describe('crash loop', () => {
  it('goes failed, answers PLUGIN_UNAVAILABLE at once with why and when, then is probed', async () => {
    h = harness([
      {
        name: 'loop',
        command: nodeFixture('crash-after-init.mjs'),
        env: { FIXTURE_CRASH_AFTER_MS: '50' },
        restart: { initialDelayMs: 20, maxRestarts: 2, failedRetryMs: 1_500 },
      },
    ]);
    const failed = h.next('failed');
    await h.supervisor.start();
    const f = await failed;
    expect(h.status('loop').state).toBe('failed');
    expect(f.reason).toMatch(/3 times within/);
    expect(f.reason).toContain('code 1');

    const t0 = Date.now();
    const o = await h.run('echo', { text: 'x' }, 60);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(errorId(o)).toBe('PLUGIN_UNAVAILABLE');
    expect(o.content).toContain('it has failed');
    expect(o.content).toContain('3 times within');
    expect(o.content).toContain(`It will be tried again at ${new Date(f.retryAt!).toISOString()}`);

    // the probe: a new generation after failedRetryMs, which answers initialize
    const generation = h.status('loop').generation;
    const probe = await h.next('ready', (e) => e.plugin === 'loop' && e.generation > generation);
    expect(probe.generation).toBe(generation + 1);
    // it crashes again; the probe succeeded, so the history was reset and it restarts
    const r = await h.next('restart', (e) => e.plugin === 'loop');
    expect(r).toMatchObject({ attempt: 1, delayMs: 20 });
  });

  it('a probe that fails leaves it failed with a new retry time', async () => {
    h = harness([{ name: 'cos', command: nodeFixture('crash-on-start.mjs'), restart: { maxRestarts: 1, failedRetryMs: 300 } }]);
    const first = h.next('failed');
    await h.supervisor.start();
    const f1 = await first;
    const f2 = await h.next('failed');
    expect(f2.reason).toContain('the probe start failed');
    expect(f2.retryAt!).toBeGreaterThan(f1.retryAt!);
    expect(h.status('cos').state).toBe('failed');
    expect(h.events('spawn')).toHaveLength(3);
  });

  it('POST-style restart() of a failed plugin probes at once', async () => {
    h = harness([{ name: 'cos', command: nodeFixture('crash-on-start.mjs'), restart: { maxRestarts: 0, failedRetryMs: 600_000 } }]);
    const failed = h.next('failed');
    await h.supervisor.start();
    await failed;
    const spawned = h.next('spawn');
    const status = h.supervisor.restart('cos');
    await spawned;
    await status;
    expect(h.events('spawn')).toHaveLength(2);
  });
});

describe('restart mode never', () => {
  it('stays stopped after a crash and says so to actions', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs'), restart: { mode: 'never' } }]);
    await h.supervisor.start();
    const stopped = h.next('state', (e) => e.state === 'stopped');
    expect(errorId(await h.run('crash', { code: 2 }))).toBe('PLUGIN_CRASHED');
    await stopped;
    const o = await h.run('echo', { text: 'x' });
    expect(errorId(o)).toBe('PLUGIN_UNAVAILABLE');
    expect(o.content).toMatch(/never/);
    expect(h.events('restart')).toHaveLength(0);
  });
});
