import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PlugdHttpServer } from '../../supervisor/src/http/http-server.js';
import type { Supervisor } from '../../supervisor/src/supervisor.js';
import type { Observation } from '@plugd/protocol';
import { EVERYTHING, MEMORY, firstText, mcpClient, mcpHarness } from '../helpers/mcp-servers.js';
import { FIXTURES } from '../helpers/supervision.js';

const KEY = 'mcp-test-key';
const dir = mkdtempSync(join(tmpdir(), 'plugd-mcp-'));
const traceFile = join(dir, 'everything.trace.jsonl');
let harness: ReturnType<typeof mcpHarness> | undefined;
let supervisor: Supervisor;
let http: PlugdHttpServer;

async function execute(action: object): Promise<Observation> {
  const res = await fetch(`${http.url}/execute_action`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-api-key': KEY }, body: JSON.stringify({ action }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Observation;
}

const call = (name: string, args: Record<string, unknown> = {}, timeout?: number) => execute({ action: 'call_tool_mcp', args: { name, arguments: args }, ...(timeout ? { timeout } : {}) });

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; plugins: ${JSON.stringify(supervisor.plugins().map((p) => [p.name, p.state, p.inFlight]))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const SECRET = 'supervisor-only-secret-4711';

beforeAll(async () => {
  // In plugd's environment only: an MCP server must not see it (it inherits PATH, HOME, ... and its own env).
  process.env['PLUGD_TEST_SECRET'] = SECRET;
  harness = mcpHarness(KEY, [
    { name: 'everything', protocol: 'mcp', command: EVERYTHING, trace: { level: 'messages', file: traceFile } },
    { name: 'memory', protocol: 'mcp', command: MEMORY, env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') } },
  ]);
  ({ supervisor, http } = harness);
  await harness.start();
});

afterAll(async () => {
  delete process.env['PLUGD_TEST_SECRET'];
  await harness?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('stdio MCP servers from npm as supervised plugins', () => {
  it('lists and calls their tools through /execute_action, /mcp and /mcp/sse, named as OpenHands names them', async () => {
    const echoed = await call('everything_echo', { message: 'hi' });
    expect(echoed).toMatchObject({ observation: 'mcp', extras: { name: 'everything_echo', arguments: { message: 'hi' } } });
    expect(JSON.parse(echoed.content)).toMatchObject({ content: [{ type: 'text', text: 'Echo: hi' }], isError: false });
    // A unique bare name is accepted too.
    expect(JSON.parse((await call('read_graph')).content)).toMatchObject({ isError: false });
    for (const [transport, headers] of [['streamable', { Authorization: `Bearer ${KEY}` }], ['sse', { s: KEY }]] as const) {
      const client = await mcpClient(http.url, transport, headers);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(['everything_echo', 'everything_get-sum', 'memory_read_graph', 'memory_create_entities']));
        const sum = await client.callTool({ name: 'everything_get-sum', arguments: { a: 2, b: 40 } });
        expect(firstText(sum)).toContain('42');
      } finally {
        await client.close();
      }
    }
  });

  it("gives an MCP server its own env and PATH/HOME, never the supervisor's environment", async () => {
    const dumped = JSON.parse(JSON.parse((await call('everything_get-env')).content).content[0].text) as Record<string, string>;
    expect(dumped['MEMORY_FILE_PATH']).toBeUndefined();
    expect(dumped['PATH']).toBe(process.env['PATH']);
    expect(JSON.stringify(dumped)).not.toContain(SECRET);
  });

  it('refuses the MCP endpoint without the key (403), a body that is not JSON (-32700), an unknown SSE session (404), and a body that is not a list on /update_mcp_server (400)', async () => {
    const denied = await fetch(`${http.url}/mcp`, { method: 'POST', headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' }, body: '{}' });
    expect(denied.status).toBe(403);
    const garbage = await fetch(`${http.url}/mcp`, { method: 'POST', headers: { s: KEY, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{nope' });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const noSession = await fetch(`${http.url}/mcp/messages?sessionId=made-up`, { method: 'POST', headers: { s: KEY }, body: '{}' });
    expect(noSession.status).toBe(404);
    const bad = await fetch(`${http.url}/update_mcp_server`, { method: 'POST', headers: { 'x-session-api-key': KEY }, body: '{"name": "x"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/must be a list/);
  });

  it('sends progress, cancels with notifications/cancelled on the action timeout, and the server keeps serving', async () => {
    const timedOut = await call('everything_trigger-long-running-operation', { duration: 30, steps: 30 }, 2.5);
    // As OpenHands' runtime answers a tool timeout.
    expect(timedOut).toMatchObject({ observation: 'mcp', extras: { name: 'everything_trigger-long-running-operation' } });
    expect(JSON.parse(timedOut.content)).toEqual({ isError: true, error: 'Tool "everything_trigger-long-running-operation" timed out after 2.5 seconds', content: [] });
    await supervisor.trace.flush();
    const frames = readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dir: string; method: string });
    expect(frames).toContainEqual(expect.objectContaining({ dir: 'in', method: 'notifications/progress' }));
    expect(frames).toContainEqual(expect.objectContaining({ dir: 'out', method: 'notifications/cancelled' }));
    expect(supervisor.plugin('everything')!.state).toBe('ready');
    expect(JSON.parse((await call('everything_echo', { message: 'after' })).content).content[0].text).toBe('Echo: after');
  });

  it('reloads blue/green: the new generation lists its tools before it serves, and calls never see a gap', async () => {
    const before = supervisor.plugin('memory')!;
    expect(before.tools).toContain('read_graph');
    const reloading = supervisor.reload('memory');
    const during = await call('memory_read_graph');
    await reloading;
    expect(JSON.parse(during.content)).toMatchObject({ isError: false });
    const after = supervisor.plugin('memory')!;
    expect(after).toMatchObject({ state: 'ready', reloads: before.reloads + 1, generation: before.generation + 1 });
    expect(after.tools).toEqual(before.tools);
  });

  it('answers a call whose server is SIGKILLed with an isError result naming the cause; the next call works on the restarted server', async () => {
    const client = await mcpClient(http.url, 'streamable', { 'X-Session-API-Key': KEY });
    try {
      const before = supervisor.plugin('everything')!;
      const pending = client.callTool({ name: 'everything_trigger-long-running-operation', arguments: { duration: 30, steps: 30 } });
      await until(() => supervisor.plugin('everything')!.inFlight === 1, 'the call to reach the server');
      process.kill(before.pid!, 'SIGKILL');
      const result = await pending;
      expect(result.isError).toBe(true);
      expect(firstText(result)).toMatch(/PLUGIN_CRASHED.*everything.*SIGKILL/s);
      const again = await client.callTool({ name: 'everything_echo', arguments: { message: 'back' } });
      expect(firstText(again)).toBe('Echo: back');
      const after = supervisor.plugin('everything')!;
      expect(after.pid).not.toBe(before.pid);
      expect(after.restarts).toBe(before.restarts + 1);
    } finally {
      await client.close();
    }
  });

  it('/update_mcp_server adds and removes servers while a call runs on another, and a server that fails to start shows its stderr', async () => {
    const running = call('everything_trigger-long-running-operation', { duration: 2, steps: 4 });
    await until(() => supervisor.plugin('everything')!.inFlight === 1, 'the long call');
    const res = await fetch(`${http.url}/update_mcp_server`, {
      method: 'POST',
      headers: { 'x-session-api-key': KEY },
      body: JSON.stringify([
        { name: 'everything', command: EVERYTHING[0], args: EVERYTHING.slice(1) },
        { name: 'notes', command: MEMORY[0], args: MEMORY.slice(1), env: { MEMORY_FILE_PATH: join(dir, 'notes.jsonl') } },
        { name: 'broken', command: 'node', args: [join(FIXTURES, 'crash-on-start.mjs')] },
      ]),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { detail: string; router_error_log: string };
    expect(answer.detail).toBe('MCP server updated successfully');
    expect(answer.router_error_log).toMatch(/^broken: failed to start: .*boom: crash on start/);
    expect(supervisor.mcpServers().map((s) => s.name).sort()).toEqual(['broken', 'everything', 'notes']);
    expect(supervisor.plugin('memory')).toBeUndefined();
    // The call on the unchanged server went on undisturbed.
    expect(JSON.parse((await running).content)).toMatchObject({ isError: false });
    expect(JSON.parse((await call('notes_read_graph')).content)).toMatchObject({ isError: false });
    const down = await call('broken_anything', {}, 1);
    expect(down.observation).toBe('error');
    expect(down.content).toContain('boom: crash on start');
  });
});
