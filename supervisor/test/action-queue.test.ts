import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Action, Observation } from '@plugd/protocol';
import { ErrorIds, errorObservation } from '@plugd/protocol';
import { ActionQueue } from '../src/plugin/action-queue.js';
import { PluginProcess } from '../src/process/plugin-process.js';
import type { ExitInfo } from '../src/process/exit-info.js';
import { FakeLauncher } from './fakes/fake-process.js';
import type { FakeScript } from './fakes/fake-process.js';
import { advance, errorId, fakeTimers, flush } from './fakes/managed.js';
import { pluginOptions } from './fakes/options.js';

afterEach(() => {
  jest.useRealTimers();
});

async function setup(script: FakeScript = {}, maxQueued = 100) {
  const launcher = new FakeLauncher(script);
  const exits: ExitInfo[] = [];
  const proc = new PluginProcess(pluginOptions({ timeouts: { pingIntervalMs: 600_000, cancelGraceMs: 1000 } }), 1, { username: 'u', trace: 'off', launcher }, {
    onStderr: () => undefined,
    onLog: () => undefined,
    onExit: (exit) => exits.push(exit),
  });
  let serving: PluginProcess | undefined;
  const settled: string[] = [];
  const queue = new ActionQueue({
    name: 'fake',
    maxQueued,
    current: () => serving,
    waitingFor: () => (serving ? undefined : 'state: restarting'),
    concurrency: () => serving?.concurrency ?? 1,
    unavailable: (action, why) => errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, `cannot run "${action.action}": ${why}`),
    onIdle: () => undefined,
    onSettled: (job, _o, outcome) => settled.push(`${job.action.id}:${outcome}`),
  });
  queue.track(proc);
  await proc.start();
  const serve = () => {
    serving = proc;
    queue.pump();
  };
  const enqueue = (id: number, timeoutMs = 60_000): Promise<Observation> => {
    const answer = queue.enqueue({ action: 'run', args: {}, id } as Action, Date.now(), Date.now() + timeoutMs);
    queue.pump();
    return answer;
  };
  return { queue, proc, fake: launcher.last, serve, enqueue, settled, exits };
}

describe('ActionQueue', () => {
  it('holds actions until a generation serves, then sends them in order up to its concurrency', async () => {
    const { queue, fake, serve, enqueue } = await setup({ run: 'hold', concurrency: 2 });
    const answers = [1, 2, 3, 4, 5].map((id) => enqueue(id));
    await flush();
    expect(fake.ranIds).toEqual([]);
    serve();
    await flush();
    expect(fake.ranIds).toEqual([1, 2]);
    expect(queue.queued).toBe(3);
    expect(queue.inFlightTotal()).toBe(2);
    fake.answer((r) => r.action.id === 1);
    await flush();
    expect(fake.ranIds).toEqual([1, 2, 3]);
    while (fake.held.length) {
      fake.answer();
      await flush();
    }
    expect((await Promise.all(answers)).map(errorId)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('answers PLUGIN_UNAVAILABLE at the deadline when no generation became ready, ACTION_TIMEOUT when it only waited in the queue', async () => {
    fakeTimers();
    const { enqueue, serve, fake } = await setup({ run: 'hold' });
    const noPlugin = enqueue(1, 1000);
    await advance(1000);
    const first = await noPlugin;
    expect(errorId(first)).toBe('PLUGIN_UNAVAILABLE');
    expect(first.content).toMatch(/did not become ready within the action's 1 s timeout \(state: restarting\)/);
    serve();
    void enqueue(2, 60_000); // occupies the only slot
    const waiting = enqueue(3, 1000);
    await advance(1000);
    const second = await waiting;
    expect(errorId(second)).toBe('ACTION_TIMEOUT');
    expect(second.content).toMatch(/waiting in plugin fake's queue \(concurrency 1\)/);
    expect(fake.ranIds).toEqual([2]);
  });

  it('times out a running action, sends $/cancelRequest, and kills the plugin if it ignores the cancel for cancelGraceMs', async () => {
    fakeTimers();
    const { enqueue, serve, fake, exits } = await setup({ run: 'hold' });
    serve();
    const answer = enqueue(1, 2000);
    await advance(2000);
    expect(errorId(await answer)).toBe('ACTION_TIMEOUT');
    expect(fake.received.map((m) => m.method)).toContain('$/cancelRequest');
    await advance(999);
    expect(fake.alive).toBe(true);
    await advance(1);
    await flush();
    expect(exits[0]).toMatchObject({ reason: 'cancel-ignored', detail: expect.stringMatching(/did not answer a cancelled "run" within 1000 ms/) });
  });

  it('answers each action exactly once: a late reply after the timeout changes nothing', async () => {
    fakeTimers();
    const { enqueue, serve, fake, settled } = await setup({ run: 'hold' });
    serve();
    const answer = enqueue(1, 1000);
    await advance(1000);
    fake.answer();
    await flush();
    expect(errorId(await answer)).toBe('ACTION_TIMEOUT');
    expect(settled).toEqual(['1:ACTION_TIMEOUT']);
  });

  it('refuses an action beyond maxQueued at once and keeps those it accepted', async () => {
    const { enqueue, queue } = await setup({}, 2); // nothing serves: every action waits
    void enqueue(1);
    void enqueue(2);
    const refused = await enqueue(3);
    expect(refused.content).toMatch(/its queue is full \(2 actions waiting, maxQueued 2\)/);
    expect(queue.queued).toBe(2);
    queue.failQueued('test over');
  });

  it('answers queued actions with the reason on failQueued', async () => {
    const { enqueue, queue } = await setup();
    const a = enqueue(1);
    queue.failQueued('it has failed: crash loop');
    expect((await a).content).toMatch(/cannot run "run": it has failed: crash loop/);
  });
});
