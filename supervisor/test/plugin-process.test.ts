import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { PluginProcess } from '../src/process/plugin-process.js';
import type { ExitInfo } from '../src/process/exit-info.js';
import { FakeLauncher } from './fakes/fake-process.js';
import type { FakeScript } from './fakes/fake-process.js';
import { pluginOptions } from './fakes/options.js';

/** Timers faked; the streams' own scheduling (nextTick, setImmediate) stays real. */
function fakeTimers(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
}

/** Lets the in-memory pipes deliver everything in flight. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function makeProcess(script: FakeScript = {}, timeouts: NonNullable<Parameters<typeof pluginOptions>[0]>['timeouts'] = {}) {
  const launcher = new FakeLauncher(script);
  const exits: ExitInfo[] = [];
  const stderr: string[] = [];
  const proc = new PluginProcess(
    pluginOptions({ timeouts: { pingIntervalMs: 60_000, ...timeouts } }),
    1,
    { username: 'tester', trace: 'off', launcher },
    { onStderr: (line) => stderr.push(line), onLog: () => undefined, onExit: (exit) => exits.push(exit) },
  );
  return { proc, launcher, exits, stderr };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('PluginProcess (fake process, real framing)', () => {
  it('completes the handshake: initialize with the plugin name, then initialized, and is ready', async () => {
    const { proc, launcher } = makeProcess({ actions: ['run', 'read'], concurrency: 3 });
    const init = await proc.start();
    expect(init.actions).toEqual(['run', 'read']);
    expect(proc.state).toBe('ready');
    expect(proc.concurrency).toBe(3);
    await flush();
    const fake = launcher.last;
    expect(fake.received.map((m) => m.method)).toEqual(['initialize', 'initialized']);
    expect(fake.received[0]!.params).toMatchObject({ name: 'fake', username: 'tester', protocolVersion: 1 });
    expect(fake.spec.env).toMatchObject({ PLUGD_PROTOCOL: '1' });
  });

  it('fails the start after timeouts.initMs when initialize is never answered, and kills the process', async () => {
    fakeTimers();
    const { proc, launcher, exits } = makeProcess({ initialize: 'hang' }, { initMs: 5000 });
    const started = proc.start().catch((error: Error) => error);
    await flush();
    await jest.advanceTimersByTimeAsync(4999);
    expect(launcher.last.alive).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    const error = await started;
    expect((error as Error).message).toMatch(/did not answer initialize within 5000 ms \(timeouts.initMs\)/);
    expect(launcher.last.signals).toContain('SIGKILL');
    expect(exits[0]).toMatchObject({ reason: 'start-failed', expected: false });
  });

  it('reports a plugin that exits before answering initialize with its exit code and last stderr', async () => {
    const { proc, launcher } = makeProcess({ initialize: 'exit' });
    const started = proc.start().catch((error: Error) => error);
    await flush();
    launcher.last.writeStderr('boom: missing module');
    const error = (await started) as Error;
    expect(error.message).toMatch(/exited before answering initialize \(exit code 3\)/);
  });

  it('fails the start at once, without a process, when the program cannot be found', async () => {
    const { proc, launcher, exits } = makeProcess();
    launcher.missing = 'cannot find the program "nope" (not on PATH)';
    await expect(proc.start()).rejects.toThrow(/cannot find the program "nope"/);
    expect(proc.state).toBe('exited');
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ reason: 'start-failed', detail: expect.stringMatching(/cannot find/) });
  });

  it('stops a well-behaved plugin with shutdown then exit: code 0, no signal sent', async () => {
    const { proc, launcher } = makeProcess();
    await proc.start();
    const exit = await proc.stop();
    expect(exit).toMatchObject({ code: 0, signal: null, reason: 'stopped', expected: true });
    expect(launcher.last.received.map((m) => m.method)).toEqual(['initialize', 'initialized', 'shutdown', 'exit']);
    expect(launcher.last.signals).toEqual([]);
  });

  it('escalates a stop step by step: shutdown unanswered, stdin closed, SIGTERM ignored, then SIGKILL', async () => {
    fakeTimers();
    const { proc, launcher } = makeProcess({ shutdown: 'hang', exitOnExit: false, exitOnEof: false, ignoreSigterm: true }, { shutdownMs: 1000 });
    await proc.start();
    const fake = launcher.last;
    const stopped = proc.stop();
    await flush();
    await jest.advanceTimersByTimeAsync(1000); // shutdown unanswered
    await flush();
    await jest.advanceTimersByTimeAsync(1000); // stdin closed, still there
    await flush();
    expect(fake.signals).toEqual(['SIGTERM']);
    await jest.advanceTimersByTimeAsync(1000); // SIGTERM ignored
    await flush();
    expect(fake.signals).toEqual(['SIGTERM', 'SIGKILL']);
    const exit = await stopped;
    expect(exit).toMatchObject({ signal: 'SIGKILL', reason: 'stopped', expected: true });
  });

  it('kills a plugin that writes something that is not a frame, quoting the bytes (protocol-error)', async () => {
    const { proc, launcher, exits } = makeProcess({ run: 'hold' });
    await proc.start();
    const { result } = proc.run({ action: 'run', args: {}, id: 1 }, 10_000);
    const failed = result.catch((error: Error) => error);
    launcher.last.writeRaw('hello from console.log\n');
    const error = (await failed) as Error;
    expect(error.message).toMatch(/hello from console.log/);
    await proc.exited;
    expect(exits[0]).toMatchObject({ reason: 'protocol-error', signal: 'SIGKILL' });
  });

  it('answers an in-flight action with the exit when the plugin crashes (code and signal)', async () => {
    const { proc, launcher } = makeProcess({ run: 'hold' });
    await proc.start();
    const { result } = proc.run({ action: 'run', args: {}, id: 1 }, 10_000);
    await flush();
    launcher.last.exit(null, 'SIGSEGV');
    await expect(result).rejects.toThrow(/killed by SIGSEGV/);
    expect(proc.lastExit).toMatchObject({ reason: 'exited', signal: 'SIGSEGV', expected: false });
  });

  it('treats a broken stdin pipe as pipe-broken and kills the process', async () => {
    const { proc, launcher, exits } = makeProcess();
    await proc.start();
    launcher.last.stdin.destroy(new Error('write EPIPE'));
    proc.run({ action: 'run', args: {}, id: 1 }, 10_000).result.catch(() => undefined);
    await proc.exited;
    expect(exits[0]).toMatchObject({ reason: 'pipe-broken', signal: 'SIGKILL' });
  });

  it('reports the exit, not the pipe, when the pipe broke because the plugin was dying (killed from outside by SIGKILL)', async () => {
    const { proc, launcher, exits } = makeProcess();
    await proc.start();
    const fake = launcher.last;
    fake.stdin.destroy(new Error('write EPIPE'));
    proc.run({ action: 'run', args: {}, id: 1 }, 10_000).result.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    fake.exit(null, 'SIGKILL');
    await proc.exited;
    expect(exits[0]).toMatchObject({ reason: 'exited', signal: 'SIGKILL' });
    expect(fake.signals).toEqual([]);
  });

  it('kills a plugin that stops answering pings (unresponsive) after pingMisses intervals', async () => {
    fakeTimers();
    const { proc, launcher, exits } = makeProcess({ ping: 'hang' }, { pingIntervalMs: 1000, pingMisses: 3 });
    await proc.start();
    await jest.advanceTimersByTimeAsync(3000);
    expect(launcher.last.alive).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    await flush();
    await proc.exited;
    expect(exits[0]).toMatchObject({ reason: 'unresponsive', detail: expect.stringMatching(/answered none of 3 pings/) });
  });

  it('cuts a start short when stopped while waiting for initialize (no shutdown sent)', async () => {
    const { proc, launcher } = makeProcess({ initialize: 'hang' });
    const started = proc.start().catch((error: Error) => error);
    await flush();
    const exit = await proc.stop();
    expect(exit).toMatchObject({ reason: 'stopped', expected: true, signal: 'SIGKILL' });
    expect(await started).toBeInstanceOf(Error);
    expect(launcher.last.received.map((m) => m.method)).toEqual(['initialize']);
  });
});
