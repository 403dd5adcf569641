import * as z from 'zod';

/** One stdio MCP server in OpenHands' `POST /update_mcp_server` body. */
export const McpStdioServerSchema = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'an MCP server name is letters, digits, "-" and "_", e.g. "fetch"'),
  command: z.string().min(1, 'command is the program to run, e.g. "npx"'),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
});
export type McpStdioServer = z.infer<typeof McpStdioServerSchema>;

/** Body of `POST /update_mcp_server`: the whole set of stdio MCP servers. */
export const UpdateMcpServerBodySchema = z.array(McpStdioServerSchema);

/** Answer of `POST /update_mcp_server`, as OpenHands' action server gives it. */
export interface UpdateMcpServerAnswer {
  readonly detail: string;
  /** What failed (one line each), empty when everything started. */
  readonly router_error_log: string;
}
