/** Real stdio MCP servers from npm (devDependencies of the tests), and MCP SDK clients for plugd's endpoint. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

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
