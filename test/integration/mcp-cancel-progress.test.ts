import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { PlugdHttpServer } from '../../supervisor/src/http/http-server.js';
import { mcpEndpointCallsInFlight } from '../../supervisor/src/http/routes/mcp-streamable.js';
import type { Supervisor } from '../../supervisor/src/supervisor.js';
import { EVERYTHING, firstText, mcpClient, mcpHarness } from '../helpers/mcp-servers.js';
import { FIXTURES } from '../helpers/supervision.js';

const KEY = 'mcp-cancel-key';
const dir = mkdtempSync(join(tmpdir(), 'plugd-mcp-cancel-'));
const recordFile = join(dir, 'recorder.jsonl');
let harness: ReturnType<typeof mcpHarness> | undefined;
let supervisor: Supervisor;
let http: PlugdHttpServer;

/** What the recorder MCP server saw: each call it started and each cancellation it received. */
function recorded(): { event: 'call' | 'cancelled'; tool?: string; requestId: number | string; args?: Record<string, unknown>; reason?: string }[] {
  if (!existsSync(recordFile)) return [];
  return readFileSync(recordFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; recorded: ${JSON.stringify(recorded())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  harness = mcpHarness(KEY, [
    { name: 'recorder', protocol: 'mcp', command: ['node', join(FIXTURES, 'mcp-recorder.mjs')], env: { MCP_RECORD_FILE: recordFile } },
    { name: 'everything', protocol: 'mcp', command: EVERYTHING },
  ]);
  ({ supervisor, http } = harness);
  await harness.start();
});

afterAll(async () => {
  await harness?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Over legacy SSE the SDK's client itself drops the last progress when it comes in one read
// with the result (its EventSource dispatches a read's events at once; the SDK runs progress
// handlers a microtask later): so there only the steps before the last are certain.
const transports = [
  ['/mcp (Streamable HTTP)', 'streamable', { Authorization: `Bearer ${KEY}` }, [1, 2, 3]],
  ['/mcp/sse (legacy SSE)', 'sse', { s: KEY }, [1, 2]],
] as const;

describe.each(transports)("an MCP client's progress and cancel through plugd's %s to the supervised stdio server", (_label, transport, headers, certain) => {
  let client: Client;
  beforeAll(async () => {
    client = await mcpClient(http.url, transport, headers);
  });
  afterAll(async () => {
    await client?.close();
  });

  it("passes the server's notifications/progress on to a client that sent a progressToken", async () => {
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const result = await client.callTool({ name: 'everything_trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    expect(firstText(result)).toMatch(/Long running operation completed/);
    // The last step too (Streamable HTTP): the server sends it right before the result, often
    // in the same read, where the MCP SDK's client in plugd would drop it (plugd routes
    // progress before the SDK sees the line).
    expect(progress.map((p) => p.progress).slice(0, certain.length)).toEqual(certain);
    expect(progress[0]).toMatchObject({ total: 3 });
  });

  it('cancels a running tools/call: the stdio server receives notifications/cancelled, nothing stays in flight, and the next call works', async () => {
    const before = recorded().length;
    const controller = new AbortController();
    const progress: number[] = [];
    const pending = client.callTool({ name: 'recorder_wait', arguments: { ms: 30_000 } }, undefined, { signal: controller.signal, onprogress: (p) => progress.push(p.progress) });
    await until(() => progress.length >= 2, 'progress from the running call');
    const started = recorded().slice(before).find((e) => e.event === 'call' && e.tool === 'wait');
    expect(started).toBeDefined();
    controller.abort('the user pressed stop');
    await expect(pending).rejects.toThrow(/the user pressed stop/);
    // The server side saw the cancellation of exactly that request.
    await until(() => recorded().some((e) => e.event === 'cancelled' && e.requestId === started!.requestId), 'the server to record the cancellation');
    expect(recorded().find((e) => e.event === 'cancelled' && e.requestId === started!.requestId)?.reason).toMatch(/its client cancelled it/);
    await until(() => supervisor.plugin('recorder')!.inFlight === 0, 'the action to leave the queue');
    expect(supervisor.plugin('recorder')).toMatchObject({ state: 'ready', queued: 0 });
    expect(mcpEndpointCallsInFlight()).toBe(0);
    const again = await client.callTool({ name: 'recorder_echo', arguments: { text: 'still here' } });
    expect(firstText(again)).toBe('still here');
    expect(supervisor.plugin('recorder')!.restarts).toBe(0);
  });
});

describe('a cancel that names no call in flight', () => {
  it('changes nothing: a call answered before the cancel is not re-cancelled, and the server records no cancellation', async () => {
    const client = await mcpClient(http.url, 'streamable', { 'X-Session-API-Key': KEY });
    try {
      const before = recorded().filter((e) => e.event === 'cancelled').length;
      const controller = new AbortController();
      const result = await client.callTool({ name: 'recorder_wait', arguments: { ms: 10 } }, undefined, { signal: controller.signal });
      expect(firstText(result)).toBe('waited 10 ms');
      controller.abort();
      expect(firstText(await client.callTool({ name: 'recorder_echo', arguments: { text: 'x' } }))).toBe('x');
      expect(recorded().filter((e) => e.event === 'cancelled').length).toBe(before);
      expect(mcpEndpointCallsInFlight()).toBe(0);
    } finally {
      await client.close();
    }
  });
});
