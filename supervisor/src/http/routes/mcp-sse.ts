import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { aggregateServer } from '../../mcp/aggregate-server.js';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';
import { readMcpBody } from './mcp-body.js';
import { mcpKeys } from './mcp-keys.js';

const MESSAGES_PATH = '/mcp/messages';

/** Open legacy-SSE sessions by id; a session ends when its stream closes. */
const sessions = new Map<string, SSEServerTransport>();

/** GET /mcp/sse: the legacy SSE transport (OpenHands' MCP client connects here). */
export const mcpSseRoute: Route = {
  method: 'GET',
  path: '/mcp/sse',
  keysFrom: mcpKeys,
  async handle({ res, supervisor }) {
    const transport = new SSEServerTransport(MESSAGES_PATH, res);
    const server = aggregateServer(supervisor);
    sessions.set(transport.sessionId, transport);
    res.on('close', () => {
      sessions.delete(transport.sessionId);
      void server.close();
    });
    await server.connect(transport);
  },
};

/** POST /mcp/messages?sessionId=...: the client's half of a legacy SSE session. */
export const mcpSseMessagesRoute: Route = {
  method: 'POST',
  path: MESSAGES_PATH,
  keysFrom: mcpKeys,
  async handle({ req, res, url, maxBodyBytes }) {
    const id = url.searchParams.get('sessionId') ?? url.searchParams.get('session_id') ?? '';
    const transport = sessions.get(id);
    if (!transport) throw new HttpError(404, { detail: `no MCP SSE session "${id}"; open one with GET /mcp/sse first` });
    const read = await readMcpBody(req, res, maxBodyBytes);
    if (!read) return;
    await transport.handlePostMessage(req, res, read.body);
  },
};
