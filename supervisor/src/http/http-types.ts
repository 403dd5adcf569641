import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Supervisor } from '../supervisor.js';

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly supervisor: Supervisor;
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
  readonly maxBodyBytes: number;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** `/plugins/:name/restart` style; `:x` matches one path segment. */
  readonly path: string;
  /** Served without the API key (as OpenHands does for /alive and /server_info). */
  readonly public?: boolean;
  /** Where this route may find the API key, when more than `X-Session-API-Key` (the MCP routes). */
  readonly keysFrom?: (req: IncomingMessage) => readonly (string | string[] | undefined)[];
  handle(ctx: RouteContext): Promise<void> | void;
}

/** An HTTP error with the status and JSON body to answer with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body && 'detail' in body ? String((body as { detail: unknown }).detail) : `HTTP ${status}`);
  }
}
