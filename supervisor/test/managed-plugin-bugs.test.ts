import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { action, advance, errorId, fakeTimers, flush, managedPlugin, submit } from './fakes/managed.js';

afterEach(() => {
  jest.useRealTimers();
});

describe('ManagedPlugin: bugs found in issue 10, each with the test that would have caught it', () => {
  it('stop() during a reload that waits for a start that never answers initialize ends both, without recursing', async () => {
    const { plugin, launcher } = managedPlugin({ initialize: 'hang' });
    const started = plugin.start();
    await flush();
    const reloading = plugin.reload();
    await flush();
    await plugin.stop();
    await expect(reloading).resolves.toBeUndefined();
    await expect(started).resolves.toBe(false);
    expect(plugin.state).toBe('stopped');
    expect(launcher.alive).toEqual([]);
  });

  it('stop() during a blue/green reload whose new generation never answers initialize kills it and stops the old one', async () => {
    const { plugin, launcher } = managedPlugin();
    launcher.next({}).next({ initialize: 'hang' });
    await plugin.start();
    const reloading = plugin.reload();
    await flush();
    expect(launcher.processes).toHaveLength(2);
    await plugin.stop();
    await expect(reloading).resolves.toBeUndefined();
    expect(plugin.state).toBe('stopped');
    expect(launcher.processes[0]!.exitedWith).toEqual({ code: 0, signal: null });
    expect(launcher.processes[1]!.exitedWith).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('sends no new action to the old generation after a blue/green switch: it drains only what it had', async () => {
    const { plugin, launcher } = managedPlugin({ run: 'hold', concurrency: 2 });
    await plugin.start();
    const answers = Array.from({ length: 8 }, (_, i) => submit(plugin, action(i + 1)));
    await flush();
    const [gen1] = launcher.processes;
    expect(gen1!.ranIds).toEqual([1, 2]);
    await plugin.reload();
    await flush();
    const gen2 = launcher.processes[1]!;
    expect(gen2.ranIds).toEqual([3, 4]);
    // inFlight counts every generation: 2 draining on gen1 + 2 on gen2.
    expect(plugin.status().inFlight).toBe(4);
    gen1!.answer();
    await flush();
    expect(gen1!.ranIds).toEqual([1, 2]);
    expect(gen1!.alive).toBe(false);
    while (gen2.held.length > 0) {
      gen2.answer();
      await flush();
    }
    const results = await Promise.all(answers);
    expect(results.map(errorId)).toEqual(Array(8).fill(undefined));
    expect(gen2.ranIds).toEqual([3, 4, 5, 6, 7, 8]);
    await plugin.stop();
  });

  it('answers an action beyond maxQueued at once with PLUGIN_UNAVAILABLE saying the queue is full and how to fix it', async () => {
    const { plugin, launcher } = managedPlugin({ run: 'hold' }, { maxQueued: 2 });
    await plugin.start();
    const first = [submit(plugin), submit(plugin), submit(plugin)];
    await flush();
    expect(plugin.status()).toMatchObject({ inFlight: 1, queued: 2 });
    const refused = await submit(plugin);
    expect(errorId(refused)).toBe('PLUGIN_UNAVAILABLE');
    expect(refused.content).toMatch(/queue is full \(2 actions waiting, maxQueued 2\)/);
    expect(refused.content).toMatch(/raise "maxQueued"/);
    while (launcher.last.held.length > 0 || plugin.status().queued > 0) {
      launcher.last.answer();
      await flush();
    }
    expect((await Promise.all(first)).map(errorId)).toEqual([undefined, undefined, undefined]);
    await plugin.stop();
  });

  it('makes a plugin whose program does not exist failed with the reason, and probes it again: ready once the program appears', async () => {
    fakeTimers();
    const { plugin, launcher, events } = managedPlugin({}, { restart: { failedRetryMs: 30_000 } });
    launcher.missing = 'cannot find the program "my-tool" (not on PATH)';
    await expect(plugin.start()).resolves.toBe(false);
    expect(plugin.state).toBe('failed');
    expect(plugin.status().lastError).toMatch(/cannot find the program "my-tool"/);
    expect(events.filter((e) => e.event === 'restart')).toEqual([]); // no backoff restarts of a missing program
    const refused = await submit(plugin);
    expect(errorId(refused)).toBe('PLUGIN_UNAVAILABLE');
    expect(refused.content).toMatch(/cannot find the program/);
    await advance(30_000, 10_000);
    expect(plugin.state).toBe('failed'); // still missing: failed again, next probe later
    launcher.missing = undefined;
    await advance(30_000, 10_000);
    expect(plugin.state).toBe('ready');
    jest.useRealTimers();
    await plugin.stop();
  });
});
