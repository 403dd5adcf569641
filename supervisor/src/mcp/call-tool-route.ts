import { ErrorIds, errorObservation } from '@plugd/protocol';
import type { Action, Observation } from '@plugd/protocol';
import { resolveTool } from './tool-names.js';
import type { ToolServer } from './tool-names.js';

export const CALL_TOOL_MCP = 'call_tool_mcp';

/** The MCP server a `call_tool_mcp` action goes to, or the error Observation saying why none. */
export function routeToolCall(action: Action, servers: readonly (ToolServer & { readonly state: string })[]): { readonly server: string } | Observation {
  const name = (action.args as { name?: unknown }).name;
  if (typeof name !== 'string' || name.length === 0) {
    return errorObservation(ErrorIds.INVALID_ACTION, 'call_tool_mcp needs args.name, the tool to call, e.g. {"action": "call_tool_mcp", "args": {"name": "echo", "arguments": {"message": "hi"}}}.');
  }
  const args = (action.args as { arguments?: unknown }).arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    return errorObservation(ErrorIds.INVALID_ACTION, `call_tool_mcp args.arguments must be an object of the tool's arguments, e.g. {"message": "hi"}; got ${JSON.stringify(args)}.`);
  }
  if (servers.length === 0) {
    return errorObservation(ErrorIds.NO_PLUGIN_FOR_ACTION, `No MCP server is configured, so there is no tool "${name}". Add one with "protocol": "mcp" in the config, POST /update_mcp_server, or plugd start --mcp CMD.`);
  }
  const route = resolveTool(name, servers);
  if (route.kind === 'found') return { server: route.server };
  if (route.kind === 'ambiguous') {
    return errorObservation(ErrorIds.INVALID_ACTION, `Tool name "${name}" is ambiguous: several MCP servers have it. Call one of: ${route.candidates.join(', ')}.`);
  }
  const down = servers.filter((s) => s.state !== 'ready' && s.state !== 'reloading').map((s) => `${s.name} (${s.state})`);
  return errorObservation(
    ErrorIds.NO_PLUGIN_FOR_ACTION,
    `No MCP server has a tool "${name}". Tools: ${route.exposed.join(', ') || '(none)'}.${down.length ? ` MCP servers not serving: ${down.join(', ')}.` : ''}`,
  );
}
