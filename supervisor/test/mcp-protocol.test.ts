import { describe, expect, it } from '@jest/globals';
import { PluginProcess, PluginExitedError } from '../src/process/plugin-process.js';
import type { ExitInfo } from '../src/process/exit-info.js';
import { RpcResponseError } from '../src/rpc/rpc-error.js';
import type { FrameEvent } from '../src/trace/frame-event.js';
import { frameEvent } from '../src/trace/frame-event.js';
import { FakeMcpLauncher } from './fakes/fake-mcp-process.js';
import { pluginOptions } from './fakes/options.js';

function makeMcp(handshake: 'answer' | 'hang' = 'answer', timeouts: { initMs?: number; pingIntervalMs?: number } = {}) {
  const launcher = new FakeMcpLauncher(handshake);
  const exits: ExitInfo[] = [];
  const frames: FrameEvent[] = [];
  const proc = new PluginProcess(
    pluginOptions({ name: 'fake', protocol: 'mcp', timeouts: { pingIntervalMs: 60_000, shutdownMs: 200, ...timeouts } }),
    1,
    { username: 'tester', trace: 'off', launcher },
    { onStderr: () => undefined, onLog: () => undefined, onExit: (exit) => exits.push(exit) },
  );
  proc.setFrameListener((...fields) => frames.push(frameEvent(...fields)));
  return { proc, launcher, exits, frames, methods: (dir: 'in' | 'out') => frames.filter((f) => f.dir === dir).map((f) => f.method) };
}

const call = (name: string, args: Record<string, unknown> = {}) => ({ action: 'call_tool_mcp', args: { name, arguments: args } });

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('PluginProcess speaking MCP (the SDK server in memory, newline-delimited JSON)', () => {
  it('does the MCP handshake and lists the tools before it is ready', async () => {
    const { proc, methods } = makeMcp();
    const init = await proc.start();
    expect(init).toMatchObject({ name: 'fake-mcp', version: '2.0.0', actions: [] });
    expect(proc.state).toBe('ready');
    expect(proc.tools?.map((t) => t.name)).toEqual(['echo', 'slow']);
    expect(methods('out').slice(0, 3)).toEqual(['initialize', 'notifications/initialized', 'tools/list']);
    await proc.stop();
  });

  it('answers call_tool_mcp with an MCPObservation, for the bare and the <server>_<tool> name', async () => {
    const { proc } = makeMcp();
    await proc.start();
    const bare = await proc.run(call('echo', { a: 1 }), 5000).result;
    expect(bare).toEqual({
      observation: 'mcp',
      // As OpenHands' runtime writes it (Python's json.dumps).
      content: '{"meta": null, "content": [{"type": "text", "text": "echo {\\"a\\":1}"}], "structuredContent": null, "isError": false}',
      extras: { name: 'echo', arguments: { a: 1 } },
    });
    const prefixed = (await proc.run(call('fake_echo'), 5000).result) as { extras: { name: string }; content: string };
    expect(prefixed.extras.name).toBe('fake_echo');
    expect(prefixed.content).toContain('echo {}');
    await proc.stop();
  });

  it("rejects with the server's JSON-RPC error (not a crash) for a tool it does not have", async () => {
    const { proc } = makeMcp();
    await proc.start();
    const error = await proc.run(call('missing'), 5000).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcResponseError);
    expect(proc.state).toBe('ready');
    await proc.stop();
  });

  it('asks for progress, takes it as proof of life, and cancels with notifications/cancelled', async () => {
    const { proc, launcher, frames, methods } = makeMcp();
    await proc.start();
    const { id, result } = proc.run(call('slow'), 5000);
    const settled = result.catch((error: unknown) => error);
    await until(() => methods('in').includes('notifications/progress'), 'a progress notification');
    const request = frames.find((f) => f.dir === 'out' && f.method === 'tools/call')!.message as { params: { _meta?: { progressToken?: unknown } } };
    expect(request.params._meta?.progressToken).toBeDefined();
    proc.cancel(id);
    expect(await settled).toBeInstanceOf(Error);
    await until(() => launcher.last.cancelled.length === 1, 'the server to see the cancellation');
    expect(methods('out')).toContain('notifications/cancelled');
    expect(proc.state).toBe('ready');
    await proc.stop();
  });

  it('refreshes its tools on notifications/tools/list_changed', async () => {
    const { proc, launcher } = makeMcp();
    await proc.start();
    await launcher.last.changeTools(['echo', 'slow', 'fresh']);
    await until(() => proc.tools?.some((t) => t.name === 'fresh') === true, 'the refreshed tool list');
    await proc.stop();
  });

  it('answers a call in flight with the exit when the server dies', async () => {
    const { proc } = makeMcp();
    await proc.start();
    const settled = proc.run(call('slow'), 5000).result.catch((error: unknown) => error);
    proc.kill('exited');
    const error = await settled;
    expect(error).toBeInstanceOf(PluginExitedError);
    expect((error as PluginExitedError).exit.signal).toBe('SIGKILL');
  });

  it('is killed as a protocol error when the server writes a line that is not JSON', async () => {
    const { proc, launcher, exits } = makeMcp();
    await proc.start();
    launcher.last.stdout.write('Server listening on port 3000\n');
    await proc.exited;
    expect(exits[0]).toMatchObject({ reason: 'protocol-error' });
    expect(exits[0]!.detail).toContain('Server listening on port 3000');
  });

  it('fails the start after timeouts.initMs when the server never answers initialize', async () => {
    const { proc } = makeMcp('hang', { initMs: 300 });
    await expect(proc.start()).rejects.toThrow(/did not answer initialize within 300 ms/);
    expect(proc.state).toBe('exited');
  });

  it('checks liveness with MCP ping', async () => {
    const { proc, methods } = makeMcp('answer', { pingIntervalMs: 20 });
    await proc.start();
    await until(() => methods('in').filter((m) => m === 'ping').length >= 1, 'a ping answered');
    expect(methods('out')).toContain('ping');
    expect(proc.state).toBe('ready');
    await proc.stop();
  });
});
