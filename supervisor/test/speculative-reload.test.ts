/**
 * Speculative starts (docs/hot-reload.md): a generation started while a burst of file
 * events settles is held until the burst confirms it and the reload that follows adopts
 * it. Over the fake process; what must hold: a held generation takes no action and is
 * never promoted, a dropped one leaves no trace, a confirmed one is an ordinary reload.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { SupervisorEvents } from '../src/events.js';
import { action, advance, errorId, fakeTimers, flush, managedPlugin, submit } from './fakes/managed.js';
import type { Emitted } from './fakes/managed.js';

afterEach(() => {
  jest.useRealTimers();
});

/** Events about generation `n` (spawn, stderr, exit, ready, start_failed, reload_failed, reload). */
function about(events: readonly Emitted[], n: number): string[] {
  return events
    .filter((e) => {
      const p = e.payload as { generation?: number; toGeneration?: number };
      return e.event !== 'state' && e.event !== 'action' && (p.generation === n || p.toGeneration === n);
    })
    .map((e) => e.event);
}

const initializeAnswer = (version: string) => ({ name: 'fake', version, protocolVersion: 1, actions: ['run'], capabilities: { concurrency: 4 } });

describe('speculative start (held generation)', () => {
  it('a confirmed speculation is promoted by the reload that follows: same events and counters as a reload, only started earlier', async () => {
    const { plugin, launcher, events, states } = managedPlugin();
    launcher.next({ version: '1' }).next({ version: '2' });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js']);
    expect(held).toBeDefined();
    await flush(); // the held generation answered initialize
    expect(launcher.processes).toHaveLength(2);
    expect(launcher.processes[1]!.received.map((m) => m.method)).toContain('initialize');
    expect(about(events, 2)).toEqual([]); // nothing told while held
    expect(plugin.status()).toMatchObject({ state: 'ready', generation: 1, version: '1', reloads: 0 });

    expect(held!.confirm()).toBe(true);
    await plugin.reload();
    await flush();
    expect(states()).toEqual(['starting', 'ready', 'reloading', 'ready']);
    expect(about(events, 2)).toEqual(['spawn', 'ready', 'reload']);
    expect(events.find((e) => e.event === 'reload')?.payload).toMatchObject({ fromGeneration: 1, toGeneration: 2 });
    expect(plugin.status()).toMatchObject({ generation: 2, version: '2', reloads: 1, restarts: 0, lastReloadError: undefined });
    expect(launcher.processes).toHaveLength(2); // the reload spawned nothing more
    expect(launcher.processes[0]!.exitedWith).toEqual({ code: 0, signal: null }); // drained and stopped
    await plugin.stop();
  });

  it('confirmed before it answered initialize, it is promoted the moment it does', async () => {
    const { plugin, launcher, states } = managedPlugin();
    launcher.next({}).next({ initialize: 'hang' });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    held.confirm();
    const reloading = plugin.reload();
    await flush();
    expect(plugin.state).toBe('reloading');
    const gen2 = launcher.processes[1]!;
    gen2.send({ id: gen2.received[0]!.id, result: initializeAnswer('2') });
    await reloading;
    expect(states()).toEqual(['starting', 'ready', 'reloading', 'ready']);
    expect(plugin.status()).toMatchObject({ generation: 2, version: '2', reloads: 1 });
    await plugin.stop();
  });

  it('an unconfirmed generation never receives an action, even idle and ready while actions queue', async () => {
    const { plugin, launcher } = managedPlugin({ run: 'hold' });
    await plugin.start();
    const first = submit(plugin, action(1));
    const queued = [submit(plugin, action(2)), submit(plugin, action(3))];
    await flush();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    const [gen1, gen2] = launcher.processes;
    expect(gen2!.received.map((m) => m.method)).toEqual(['initialize', 'initialized']); // ready, idle
    expect(gen1!.ranIds).toEqual([1]);
    gen1!.answer(); // a slot frees on the serving generation: the next queued one goes there, not to the held one
    await flush();
    expect(gen1!.ranIds).toEqual([1, 2]);
    expect(gen2!.runs).toEqual([]);

    held.confirm();
    await plugin.reload();
    await flush();
    expect(gen2!.ranIds).toEqual([3]); // promoted: the queue goes to it
    gen1!.answer();
    gen2!.answer();
    expect((await Promise.all([first, ...queued])).map(errorId)).toEqual([undefined, undefined, undefined]);
    await plugin.stop();
  });

  it('an invalidated speculation is stopped silently, and the reload after the debounce is an ordinary one', async () => {
    const { plugin, launcher, events, states } = managedPlugin();
    launcher.next({ version: '1' }).next({ version: 'stale' }).next({ version: '3' });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    launcher.processes[1]!.writeStderr('a line from the held generation');
    await flush();
    held.invalidate();
    await flush();
    expect(launcher.processes[1]!.alive).toBe(false);
    expect(held.confirm()).toBe(false);
    expect(about(events, 2)).toEqual([]); // no spawn, stderr, exit: never told
    expect(states()).toEqual(['starting', 'ready']);

    await plugin.reload();
    await flush();
    expect(states()).toEqual(['starting', 'ready', 'reloading', 'ready']);
    expect(plugin.status()).toMatchObject({ generation: 3, version: '3', reloads: 1, restarts: 0, lastReloadError: undefined });
    expect(events.filter((e) => e.event === 'reload_failed' || e.event === 'start_failed' || e.event === 'restart')).toEqual([]);
    await plugin.stop();
  });

  it('a speculative start that failed, then confirmed, is the reload failure it would have been: reported, the old generation serving', async () => {
    const { plugin, launcher, events, states } = managedPlugin();
    launcher.next({}).next({ initialize: 'exit' });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    launcher.processes[1]!.writeStderr('SyntaxError: Unexpected token');
    await flush();
    expect(launcher.processes[1]!.alive).toBe(false);
    expect(about(events, 2)).toEqual([]); // held: nothing reported yet
    expect(plugin.status().lastReloadError).toBeUndefined();

    expect(held.confirm()).toBe(true);
    await plugin.reload();
    expect(about(events, 2)).toEqual(['spawn', 'stderr', 'exit', 'start_failed', 'reload_failed']);
    expect(events.find((e) => e.event === 'reload_failed')?.payload).toMatchObject({ generation: 2, error: expect.stringMatching(/code 3/) });
    expect(states()).toEqual(['starting', 'ready', 'reloading', 'ready']);
    expect(plugin.status()).toMatchObject({ state: 'ready', generation: 1, reloads: 0, restarts: 0, lastReloadError: expect.stringMatching(/code 3/) });
    expect(errorId(await submit(plugin))).toBeUndefined();
    await plugin.stop();
  });

  it('a speculative start that failed, then invalidated, reports nothing', async () => {
    const { plugin, launcher, events, states } = managedPlugin();
    launcher.next({}).next({ initialize: 'error' });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    launcher.processes[1]!.writeStderr('half a file');
    await flush();
    held.invalidate();
    await flush();
    expect(about(events, 2)).toEqual([]);
    expect(events.filter((e) => ['start_failed', 'reload_failed', 'restart', 'exit', 'stderr'].includes(e.event))).toEqual([]);
    expect(states()).toEqual(['starting', 'ready']);
    expect(plugin.status()).toMatchObject({ state: 'ready', generation: 1, reloads: 0, restarts: 0, lastReloadError: undefined, lastError: undefined });
    await plugin.stop();
  });

  it('a held generation that dies after initialize, then confirmed, is a reload failure (never promoted dead)', async () => {
    const { plugin, launcher, events } = managedPlugin();
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    launcher.processes[1]!.exit(7);
    await flush();
    held.confirm();
    await plugin.reload();
    expect(about(events, 2)).toEqual(['spawn', 'exit', 'start_failed', 'reload_failed']);
    expect(plugin.status()).toMatchObject({ state: 'ready', generation: 1, reloads: 0, lastReloadError: expect.stringMatching(/before it was swapped in/) });
    expect(errorId(await submit(plugin))).toBeUndefined();
    await plugin.stop();
  });

  it('stop() during a speculation kills the starting generation and resolves once it is gone', async () => {
    const { plugin, launcher, events, states } = managedPlugin();
    launcher.next({}).next({ initialize: 'hang' });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    await plugin.stop();
    expect(launcher.processes[1]!.exitedWith).toEqual({ code: null, signal: 'SIGKILL' });
    expect(launcher.alive).toEqual([]);
    expect(held.confirm()).toBe(false);
    expect(about(events, 2)).toEqual([]);
    expect(states()).toEqual(['starting', 'ready', 'stopping', 'stopped']);
  });

  it('stop() during a confirmed speculation not yet adopted stops both generations', async () => {
    const { plugin, launcher, states } = managedPlugin();
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    held.confirm();
    await plugin.stop();
    expect(launcher.alive).toEqual([]);
    expect(states()).toEqual(['starting', 'ready', 'stopping', 'stopped']);
  });

  it('a crash of the serving generation during a speculation drops it; the crash is handled by the restart policy, then the reload starts fresh', async () => {
    fakeTimers();
    const { plugin, launcher, events, states } = managedPlugin({}, { restart: { initialDelayMs: 5_000, jitter: 0 } });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    launcher.processes[0]!.exit(1);
    await flush();
    expect(launcher.processes[1]!.alive).toBe(false);
    expect(plugin.state).toBe('restarting');
    expect(events.filter((e) => e.event === 'restart')).toHaveLength(1);
    expect(about(events, 2)).toEqual([]);
    expect(held.confirm()).toBe(false);

    await plugin.reload(); // the settled burst's reload: a fresh start (nothing serves)
    expect(plugin.status()).toMatchObject({ state: 'ready', generation: 3, reloads: 1 });
    await advance(5_000); // the cancelled backoff starts nothing
    expect(launcher.processes).toHaveLength(3);
    expect(states()).toEqual(['starting', 'ready', 'restarting', 'ready']);
    jest.useRealTimers();
    await plugin.stop();
    expect(launcher.alive).toEqual([]);
  });

  it('a reload asked by hand before the burst settles drops the speculation and reloads as always', async () => {
    const { plugin, launcher, events } = managedPlugin();
    launcher.next({ version: '1' }).next({ version: 'early' }).next({ version: '3' });
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    await plugin.reload();
    await flush();
    expect(launcher.processes[1]!.alive).toBe(false);
    expect(held.confirm()).toBe(false);
    expect(plugin.status()).toMatchObject({ generation: 3, version: '3', reloads: 1 });
    expect(about(events, 2)).toEqual([]);
    await plugin.stop();
  });

  it('restart() during a speculation drops it', async () => {
    const { plugin, launcher, events } = managedPlugin();
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    await flush();
    await plugin.restart();
    await flush();
    expect(launcher.processes[1]!.alive).toBe(false);
    expect(held.confirm()).toBe(false);
    expect(plugin.status()).toMatchObject({ state: 'ready', generation: 3 });
    expect(about(events, 2)).toEqual([]);
    await plugin.stop();
    expect(launcher.alive).toEqual([]);
  });

  it('only when a blue/green reload could start now: not during a reload, a pending speculation, a restart backoff or after stop', async () => {
    fakeTimers();
    const { plugin, launcher } = managedPlugin({}, { restart: { initialDelayMs: 5_000, jitter: 0 } });
    launcher.next({}).next({ initialize: 'hang' });
    await plugin.start();
    const reloading = plugin.reload();
    expect(plugin.speculate(['/p/a.js'])).toBeUndefined(); // a reload is under way
    const gen2 = launcher.processes[1]!;
    await flush();
    gen2.send({ id: gen2.received[0]!.id, result: initializeAnswer('2') });
    await reloading;
    const first = plugin.speculate(['/p/a.js']);
    expect(first).toBeDefined();
    expect(plugin.speculate(['/p/b.js'])).toBeUndefined(); // one at a time
    first!.invalidate();
    await flush();
    launcher.processes[1]!.exit(1); // the serving generation crashes: a restart is scheduled
    await flush();
    expect(plugin.state).toBe('restarting');
    expect(plugin.speculate(['/p/a.js'])).toBeUndefined();
    await advance(5_000);
    expect(plugin.state).toBe('ready');
    jest.useRealTimers();
    await plugin.stop();
    expect(plugin.speculate(['/p/a.js'])).toBeUndefined();
    expect(launcher.alive).toEqual([]);
  });
});

describe('events of a held generation', () => {
  it('are told in their order when it is adopted, before its ready', async () => {
    const { plugin, launcher, events } = managedPlugin();
    await plugin.start();
    const held = plugin.speculate(['/p/index.js'])!;
    launcher.processes[1]!.writeStderr('one');
    launcher.processes[1]!.writeStderr('two');
    await flush();
    held.confirm();
    await plugin.reload();
    const lines = events.filter((e) => e.event === 'stderr').map((e) => (e.payload as SupervisorEvents['stderr'][0]).line);
    expect(lines).toEqual(['one', 'two']);
    expect(about(events, 2)).toEqual(['spawn', 'stderr', 'stderr', 'ready', 'reload']);
    await plugin.stop();
  });
});
