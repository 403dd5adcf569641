/** Real stdio MCP servers from npm (devDependencies of the tests), and MCP SDK clients for plugd's endpoint. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
// From the sources, as the MCP tests import them: one module instance (the endpoint's calls in flight are module state).
import { parseConfig } from '../../supervisor/src/config/parse-config.js';
import { PlugdHttpServer } from '../../supervisor/src/http/http-server.js';
import { Supervisor } from '../../supervisor/src/supervisor.js';
import { FAST_RESTART, FAST_TIMEOUTS, REPO_ROOT, expectAllGone } from './supervision.js';

const require = createRequire(import.meta.url);
const entry = (pkg: string): string => join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', 'index.js');

/** `@modelcontextprotocol/server-everything` over stdio (echo, get-sum, trigger-long-running-operation, ...). */
export const EVERYTHING = ['node', entry('@modelcontextprotocol/server-everything'), 'stdio'];
/** `@modelcontextprotocol/server-memory` (a knowledge graph: create_entities, read_graph, ...). */
export const MEMORY = ['node', entry('@modelcontextprotocol/server-memory')];

/** An MCP SDK client connected to plugd's `/mcp` (Streamable HTTP) or `/mcp/sse` (legacy SSE). */
export async function mcpClient(baseUrl: string, transport: 'streamable' | 'sse', headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'plugd-test', version: '1.0.0' });
  const init = { requestInit: { headers } };
  await client.connect(transport === 'sse' ? new SSEClientTransport(new URL(`${baseUrl}/mcp/sse`), init) : new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), init));
  return client;
}

/** The text of a CallToolResult's first text block. */
export function firstText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.find((c) => c.type === 'text')?.text ?? '';
}

/**
 * A Supervisor of `plugins` (fast restarts and timeouts) behind plugd's HTTP server with
 * `apiKey`. Made at once, started by start(); stop() (in afterAll: also after a failed
 * start) stops both and checks every process the supervisor spawned is gone.
 */
export function mcpHarness(apiKey: string, plugins: unknown[]) {
  const config = parseConfig({ server: { apiKey }, defaults: { restart: FAST_RESTART, timeouts: FAST_TIMEOUTS }, plugins }, { source: 'test', baseDir: REPO_ROOT });
  const supervisor = new Supervisor(config);
  const pids = new Set<number>();
  supervisor.on('spawn', (e) => e.pid !== undefined && pids.add(e.pid));
  const http = new PlugdHttpServer(supervisor, { host: '127.0.0.1', port: 0, apiKey, maxBodyBytes: 1_000_000 });
  let listening = false;
  return {
    supervisor,
    http,
    async start(): Promise<void> {
      await supervisor.start();
      await http.listen();
      listening = true;
    },
    async stop(): Promise<void> {
      if (listening) await http.close();
      await supervisor.stop();
      await expectAllGone([...pids]);
    },
  };
}
