import { describe, expect, it } from '@jest/globals';
import type { Action, Observation } from '@plugd/protocol';
import { ErrorIds, errorObservation } from '@plugd/protocol';
import { ActionQueue } from '../src/plugin/action-queue.js';
import { PluginProcess } from '../src/process/plugin-process.js';
import { FakeLauncher } from './fakes/fake-process.js';
import { errorId, flush } from './fakes/managed.js';
import { pluginOptions } from './fakes/options.js';

/** An AbortSignal stand-in that counts its listeners (a real one does not tell). */
class CountingSignal {
  aborted = false;
  reason: unknown;
  private readonly listeners = new Set<() => void>();
  get listenerCount(): number {
    return this.listeners.size;
  }
  addEventListener(_type: string, listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: string, listener: () => void): void {
    this.listeners.delete(listener);
  }
  abort(reason = 'cancelled'): void {
    this.aborted = true;
    this.reason = reason;
    for (const listener of [...this.listeners]) listener();
  }
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}

async function setup() {
  const launcher = new FakeLauncher({ run: 'hold', concurrency: 1 });
  const proc = new PluginProcess(pluginOptions({ timeouts: { pingIntervalMs: 600_000, cancelGraceMs: 60_000 } }), 1, { username: 'u', trace: 'off', launcher }, {
    onStderr: () => undefined,
    onLog: () => undefined,
    onExit: () => undefined,
  });
  const queue = new ActionQueue({
    name: 'fake',
    maxQueued: 100,
    current: () => proc,
    waitingFor: () => undefined,
    concurrency: () => proc.concurrency,
    unavailable: (action, why) => errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, `cannot run "${action.action}": ${why}`),
    onIdle: () => undefined,
    onSettled: () => undefined,
  });
  queue.track(proc);
  await proc.start();
  const enqueue = (id: number, cancel?: CountingSignal): Promise<Observation> => {
    const answer = queue.enqueue({ action: 'run', args: {}, id } as Action, Date.now(), Date.now() + 60_000, cancel ? { cancel: cancel.signal } : {});
    queue.pump();
    return answer;
  };
  return { queue, proc, fake: launcher.last, enqueue };
}

describe('an action its client cancels', () => {
  it('while it runs: answered ACTION_CANCELLED at once, the plugin is sent its cancel for that request, and nothing stays pending', async () => {
    const { queue, proc, fake, enqueue } = await setup();
    const cancel = new CountingSignal();
    const answer = enqueue(1, cancel);
    await flush();
    expect(fake.ranIds).toEqual([1]);
    expect(cancel.listenerCount).toBe(1);
    cancel.abort();
    const observation = await answer;
    expect(errorId(observation)).toBe(ErrorIds.ACTION_CANCELLED);
    expect(observation.content).toMatch(/was cancelled by its client; plugin fake was told to stop it/);
    await flush();
    const cancelRequest = fake.received.find((m) => m.method === '$/cancelRequest');
    expect(cancelRequest?.params).toEqual({ id: fake.held[0]!.rpcId });
    expect(queue.pendingDeadlines).toBe(0);
    expect(cancel.listenerCount).toBe(0);
    // The plugin's late answer to the cancelled request changes nothing; the slot is freed by it.
    fake.answer();
    await flush();
    expect(queue.inFlightTotal()).toBe(0);
    await proc.stop();
  });

  it('while it waits in the queue: dropped (never sent to the plugin), and the next action runs', async () => {
    const { queue, proc, fake, enqueue } = await setup();
    const first = enqueue(1);
    const cancel = new CountingSignal();
    const dropped = enqueue(2, cancel);
    const third = enqueue(3);
    await flush();
    expect(queue.queued).toBe(2);
    cancel.abort();
    const observation = await dropped;
    expect(errorId(observation)).toBe(ErrorIds.ACTION_CANCELLED);
    expect(observation.content).toMatch(/it had not started .* and was dropped/);
    expect(queue.queued).toBe(1);
    expect(queue.pendingDeadlines).toBe(2);
    fake.answer();
    await flush();
    fake.answer();
    expect(errorId(await first)).toBeUndefined();
    expect(errorId(await third)).toBeUndefined();
    expect(fake.ranIds).toEqual([1, 3]);
    expect(fake.received.some((m) => m.method === '$/cancelRequest')).toBe(false);
    expect(queue.pendingDeadlines).toBe(0);
    await proc.stop();
  });

  it('already cancelled when submitted: answered at once, never queued', async () => {
    const { queue, proc, fake, enqueue } = await setup();
    const cancel = new CountingSignal();
    cancel.abort();
    expect(errorId(await enqueue(1, cancel))).toBe(ErrorIds.ACTION_CANCELLED);
    await flush();
    expect(fake.ranIds).toEqual([]);
    expect(queue.pendingDeadlines).toBe(0);
    expect(cancel.listenerCount).toBe(0);
    await proc.stop();
  });

  it('answered before any cancel: its listener is removed from the signal (a long-lived signal collects none)', async () => {
    const { queue, proc, fake, enqueue } = await setup();
    const cancel = new CountingSignal();
    const answers = [enqueue(1, cancel), enqueue(2, cancel)];
    await flush();
    expect(cancel.listenerCount).toBe(2);
    fake.answer();
    await flush();
    fake.answer();
    await Promise.all(answers);
    expect(cancel.listenerCount).toBe(0);
    cancel.abort();
    await flush();
    expect(fake.received.some((m) => m.method === '$/cancelRequest')).toBe(false);
    expect(queue.pendingDeadlines).toBe(0);
    await proc.stop();
  });
});
