import type { Route } from '../http-types.js';
import { mcpKeys } from './mcp-keys.js';
import { updateMcpServerRoute } from './mcp-update.js';

/** A route whose handler module (and the MCP SDK's server side with it) loads on its first request. */
function lazyRoute(method: Route['method'], path: string, load: () => Promise<Route>): Route {
  return { method, path, keysFrom: mcpKeys, handle: async (ctx) => (await load()).handle(ctx) };
}

const streamable = () => import('./mcp-streamable.js');
const sse = () => import('./mcp-sse.js');

/** OpenHands' MCP routes: the server set, and one MCP endpoint over every MCP plugin's tools. */
export const MCP_ROUTES: readonly Route[] = [
  updateMcpServerRoute,
  lazyRoute('POST', '/mcp', async () => (await streamable()).mcpPostRoute),
  lazyRoute('GET', '/mcp', async () => (await streamable()).mcpGetRoute),
  lazyRoute('GET', '/mcp/sse', async () => (await sse()).mcpSseRoute),
  lazyRoute('POST', '/mcp/messages', async () => (await sse()).mcpSseMessagesRoute),
];
