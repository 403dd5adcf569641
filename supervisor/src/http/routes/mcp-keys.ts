import type { IncomingMessage } from 'node:http';
import { API_KEY_HEADER } from '../auth.js';

/**
 * The API key as OpenHands' MCP client sends it: `Authorization: Bearer <key>`,
 * `X-Session-API-Key: <key>` and `s: <key>`; any one of them is enough.
 */
export function mcpKeys(req: IncomingMessage): (string | string[] | undefined)[] {
  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
  return [req.headers[API_KEY_HEADER], bearer, req.headers['s']];
}
