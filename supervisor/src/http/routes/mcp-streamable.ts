import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { aggregateServer } from '../../mcp/aggregate-server.js';
import type { Route, RouteContext } from '../http-types.js';
import { readMcpBody } from './mcp-body.js';
import { mcpKeys } from './mcp-keys.js';

/**
 * The aggregating MCP endpoint over Streamable HTTP, stateless: each request gets its
 * own server and transport (nothing to leak, any number of clients), answered as JSON
 * or an SSE stream as the client accepts.
 */
async function handle({ req, res, supervisor, maxBodyBytes }: RouteContext): Promise<void> {
  let body: unknown;
  if (req.method === 'POST') {
    const read = await readMcpBody(req, res, maxBodyBytes);
    if (!read) return;
    body = read.body;
  }
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const server = aggregateServer(supervisor);
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

export const mcpPostRoute: Route = { method: 'POST', path: '/mcp', keysFrom: mcpKeys, handle };
/** GET opens a server-to-client stream; a stateless server has none to offer (405, per the transport). */
export const mcpGetRoute: Route = { method: 'GET', path: '/mcp', keysFrom: mcpKeys, handle };
