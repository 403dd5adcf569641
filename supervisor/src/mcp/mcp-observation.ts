import type { Observation } from '@plugd/protocol';
import { pythonJsonDumps } from './python-json.js';

/** What a CallToolResult is made of, as far as plugd looks at it. */
export interface ToolResultLike {
  readonly content?: unknown;
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
  readonly _meta?: unknown;
}

/**
 * OpenHands' MCPObservation: `content` is the JSON text of the CallToolResult as its
 * runtime dumps it (pydantic `model_dump(mode="json")`: meta, content, structuredContent, isError).
 */
export function mcpObservation(name: string, args: Record<string, unknown>, result: ToolResultLike): Observation {
  const dumped = {
    meta: result._meta ?? null,
    content: Array.isArray(result.content) ? result.content : [],
    structuredContent: result.structuredContent ?? null,
    isError: result.isError === true,
  };
  return { observation: 'mcp', content: pythonJsonDumps(dumped), extras: { name, arguments: args } };
}

/** The `mcp` observation OpenHands answers for a tool that errs or times out (`isError` with the reason). */
export function mcpErrorObservation(name: string, args: Record<string, unknown>, error: string): Observation {
  return { observation: 'mcp', content: pythonJsonDumps({ isError: true, error, content: [] }), extras: { name, arguments: args } };
}

/**
 * A call_tool_mcp that ran out of time answers as OpenHands' runtime does: an `mcp`
 * observation with `isError` and `Tool "X" timed out after N seconds` (the server was sent
 * notifications/cancelled). Any other observation passes through.
 */
export function asOpenHandsTimeout(action: { args: Record<string, unknown> }, observation: Observation, timeoutMs: number): Observation {
  if (observation.observation !== 'error' || (observation.extras as { error_id?: unknown }).error_id !== 'ACTION_TIMEOUT') return observation;
  const name = typeof action.args['name'] === 'string' ? action.args['name'] : '';
  const args = (action.args['arguments'] ?? {}) as Record<string, unknown>;
  return mcpErrorObservation(name, args, `Tool "${name}" timed out after ${Math.round(timeoutMs / 100) / 10} seconds`);
}
