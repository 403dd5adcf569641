import { formatZodIssues, UpdateMcpServerBodySchema } from '@plugd/protocol';
import { applyMcpUpdate } from '../../mcp/mcp-update.js';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';
import { readJsonBody } from '../read-body.js';
import { sendJson } from '../respond.js';

const EXAMPLE = '[{"name": "fetch", "command": "uvx", "args": ["mcp-server-fetch"], "env": {}}]';

/** POST /update_mcp_server [{name, command, args, env}] -> {detail, router_error_log} (OpenHands' route). */
export const updateMcpServerRoute: Route = {
  method: 'POST',
  path: '/update_mcp_server',
  async handle({ req, res, supervisor, maxBodyBytes }) {
    const body = await readJsonBody(req, maxBodyBytes);
    if (!Array.isArray(body)) throw new HttpError(400, { detail: `Request must be a list of MCP tools to sync, e.g. ${EXAMPLE}` });
    const parsed = UpdateMcpServerBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, { detail: `the MCP server list is invalid: ${formatZodIssues(parsed.error)}. Example: ${EXAMPLE}` });
    sendJson(res, 200, await applyMcpUpdate(supervisor, parsed.data));
  },
};
