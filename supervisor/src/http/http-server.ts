import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Supervisor } from '../supervisor.js';
import { API_KEY_HEADER, apiKeyMatches } from './auth.js';
import { HttpError } from './http-types.js';
import { originRefusal } from './origin-guard.js';
import type { OriginPolicy } from './origin-guard.js';
import { sendJson } from './respond.js';
import { Router } from './router.js';
import { ROUTES } from './routes/index.js';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly apiKey?: string;
  readonly maxBodyBytes: number;
  /** Browser origins allowed to call plugd (CORS); none by default. */
  readonly allowedOrigins?: readonly string[];
  /** Host header names accepted besides loopback ones (DNS rebinding guard). */
  readonly allowedHosts?: readonly string[];
}

/** The HTTP front of a Supervisor (DESIGN.md "HTTP API"). A bad request never takes it down. */
export class PlugdHttpServer {
  private readonly server: Server;
  private readonly router = new Router(ROUTES);
  private readonly originPolicy: OriginPolicy;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly options: HttpServerOptions,
  ) {
    this.originPolicy = { allowedOrigins: options.allowedOrigins ?? [], allowedHosts: options.allowedHosts ?? [], boundHost: options.host };
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Before anything else, routing included: a refused browser learns nothing and runs nothing.
    const refusal = originRefusal(req.headers, this.originPolicy);
    if (refusal) {
      this.supervisor.logger.warn({ host: req.headers.host, origin: req.headers.origin, path: (req.url ?? '/').slice(0, 200) }, `HTTP request refused: ${refusal}`);
      sendJson(res, 403, { detail: refusal });
      return;
    }
    if (req.headers.origin !== undefined && allowCors(req, res)) return;
    let url: URL;
    try {
      url = requestUrl(req.url);
    } catch (error) {
      sendJson(res, (error as HttpError).status, (error as HttpError).body);
      return;
    }
    const authorized = !this.options.apiKey || apiKeyMatches(this.options.apiKey, req.headers[API_KEY_HEADER]);
    try {
      const match = this.router.match(req.method ?? 'GET', url.pathname);
      // The route list helps a user who typed a wrong path; a caller without the key learns nothing.
      if (!match) throw new HttpError(404, { detail: `no route ${req.method} ${url.pathname}${authorized ? `; routes: ${this.router.describe().join(', ')}` : ''}` });
      if ('allowed' in match) {
        res.setHeader('allow', match.allowed.join(', '));
        throw new HttpError(405, { detail: `${url.pathname} takes ${match.allowed.join(', ')}, not ${req.method}` });
      }
      const given = match.route.keysFrom ? match.route.keysFrom(req) : [req.headers[API_KEY_HEADER]];
      if (!match.route.public && this.options.apiKey && !given.some((key) => apiKeyMatches(this.options.apiKey!, key))) {
        throw new HttpError(403, { detail: 'Invalid API Key' });
      }
      await match.route.handle({ req, res, supervisor: this.supervisor, params: match.params, url, maxBodyBytes: this.options.maxBodyBytes });
    } catch (error) {
      if (isClientGone(req, res)) {
        // The client hung up (aborted upload, closed socket): not a server error, and one line per request would let any client flood the log.
        this.supervisor.logger.debug({ path: url.pathname, err: (error as Error).message }, 'HTTP client went away before the answer');
        res.destroy();
        return;
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) sendJson(res, error.status, error.body);
      else {
        this.supervisor.logger.error({ err: error, path: url.pathname }, 'HTTP handler failed');
        sendJson(res, 500, { detail: `internal error: ${(error as Error).message}` });
      }
    }
  }
}

/** The client hung up before the answer: its upload aborted, or its socket is closed. */
function isClientGone(req: IncomingMessage, res: ServerResponse): boolean {
  return req.readableAborted || (req.socket?.destroyed ?? false) || (res.destroyed && !res.writableFinished);
}

/** The request target as a URL; a path such as `//` that is no URL is a 400, not a crash. */
function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  try {
    // Origin-form paths are appended, so `//x` stays a path and never becomes a host.
    return raw.startsWith('/') ? new URL(`http://localhost${raw}`) : new URL(raw, 'http://localhost');
  } catch {
    throw new HttpError(400, { detail: `the request target "${raw.slice(0, 200)}" is not a valid URL path` });
  }
}

/** CORS headers for an allowed origin; answers its preflight (true when answered). */
function allowCors(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('access-control-allow-origin', req.headers.origin!);
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, PUT',
    'access-control-allow-headers': `content-type, ${API_KEY_HEADER}`,
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
