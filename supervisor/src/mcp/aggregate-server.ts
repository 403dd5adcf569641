import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Observation } from '@plugd/protocol';
import type { ActionProgress } from '../process/protocol-session.js';
import type { Supervisor } from '../supervisor.js';
import { CALL_TOOL_MCP } from './call-tool-route.js';
import type { EndpointCalls } from './endpoint-calls.js';
import { exposedTools } from './tool-names.js';

/**
 * One MCP server aggregating every MCP plugin's tools (what `/mcp` and `/mcp/sse`
 * serve), named as OpenHands' proxy names them. A call goes through the supervisor like
 * any `call_tool_mcp` action, so it gets the same supervision: a crash mid-call is an
 * `isError` result naming the cause, never a hung client. A client's cancel and its
 * progressToken go through to the MCP server that runs the call.
 */
export function aggregateServer(supervisor: Supervisor, link?: EndpointLink): Server {
  const server = new Server({ name: 'plugd', version: '0.1.0' }, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: exposedTools(supervisor.mcpServers()).map(({ tool, name }) => ({ ...tool, name })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const token = request.params._meta?.progressToken;
    // The server's progress goes on to the client when it asked for it (a progressToken).
    const onProgress =
      token === undefined
        ? undefined
        : (progress: ActionProgress) => void extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }).catch(() => undefined);
    // Cancelled by the client: notifications/cancelled to this server (extra.signal), or,
    // on the stateless /mcp, to another POST's server (the link).
    const tracked = link?.clientId === undefined ? undefined : link.calls.track(link.clientId, extra.requestId);
    try {
      const signal = tracked ? AbortSignal.any([extra.signal, tracked.signal]) : extra.signal;
      const observation = await supervisor.execute({ action: CALL_TOOL_MCP, args: { name: request.params.name, arguments: request.params.arguments ?? {} } }, { signal, onProgress });
      return toolResult(observation);
    } finally {
      tracked?.done();
    }
  });
  return server;
}

/** How a stateless endpoint's server finds the cancellations other POSTs carry. */
export interface EndpointLink {
  readonly calls: EndpointCalls;
  /** The client's id (its Mcp-Session-Id); undefined: a client that sent none cannot cancel. */
  readonly clientId: string | undefined;
}

/** An Observation back to a CallToolResult: the server's own result, or `isError` with the reason. */
export function toolResult(observation: Observation): CallToolResult {
  if (observation.observation === 'mcp') {
    try {
      const dumped = JSON.parse(observation.content) as { content?: unknown; structuredContent?: unknown; isError?: boolean; meta?: unknown; error?: string };
      if (dumped.error && (!Array.isArray(dumped.content) || dumped.content.length === 0)) return { content: [{ type: 'text', text: dumped.error }], isError: true };
      return {
        content: (dumped.content ?? []) as CallToolResult['content'],
        ...(dumped.structuredContent != null ? { structuredContent: dumped.structuredContent as Record<string, unknown> } : {}),
        ...(dumped.meta != null ? { _meta: dumped.meta as Record<string, unknown> } : {}),
        isError: dumped.isError === true,
      };
    } catch {
      // fall through: report the text as it is
    }
  }
  const id = (observation.extras as { error_id?: unknown }).error_id;
  return { content: [{ type: 'text', text: id ? `${String(id)}: ${observation.content}` : observation.content }], isError: true };
}
