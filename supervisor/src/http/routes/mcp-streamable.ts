import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { aggregateServer } from '../../mcp/aggregate-server.js';
import { cancellationsIn, EndpointCalls, hasInitialize } from '../../mcp/endpoint-calls.js';
import type { Route, RouteContext } from '../http-types.js';
import { readMcpBody } from './mcp-body.js';
import { mcpKeys } from './mcp-keys.js';

const SESSION_HEADER = 'mcp-session-id';

/** Calls in flight on the endpoint, for cancellations that come in another POST. */
const inFlight = new EndpointCalls();

/**
 * The aggregating MCP endpoint over Streamable HTTP, stateless: each request gets its
 * own server and transport (nothing to leak, any number of clients), answered as JSON
 * or an SSE stream as the client accepts. The one thing kept across requests: the
 * initialize answer gives the client an id (Mcp-Session-Id, which MCP clients send back
 * on every request), so a later POST's notifications/cancelled finds the call it names.
 */
async function handle({ req, res, supervisor, maxBodyBytes }: RouteContext): Promise<void> {
  let body: unknown;
  let clientId = req.headers[SESSION_HEADER] as string | undefined;
  if (req.method === 'POST') {
    const read = await readMcpBody(req, res, maxBodyBytes);
    if (!read) return;
    body = read.body;
    if (clientId === undefined && hasInitialize(body)) {
      clientId = randomUUID();
      res.setHeader(SESSION_HEADER, clientId);
    }
    if (clientId !== undefined) for (const { requestId, reason } of cancellationsIn(body)) inFlight.cancel(clientId, requestId, reason);
  }
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const server = aggregateServer(supervisor, { calls: inFlight, clientId });
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

/** Calls in flight on `/mcp` (tests check that none stays once answered or cancelled). */
export function mcpEndpointCallsInFlight(): number {
  return inFlight.size;
}
