import type { Route } from '../http-types.js';
import { mcpSseMessagesRoute, mcpSseRoute } from './mcp-sse.js';
import { mcpGetRoute, mcpPostRoute } from './mcp-streamable.js';
import { updateMcpServerRoute } from './mcp-update.js';

/** OpenHands' MCP routes: the server set, and one MCP endpoint over every MCP plugin's tools. */
export const MCP_ROUTES: readonly Route[] = [updateMcpServerRoute, mcpPostRoute, mcpGetRoute, mcpSseRoute, mcpSseMessagesRoute];
