import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Supervisor } from '../supervisor.js';
import { API_KEY_HEADER, apiKeyMatches } from './auth.js';
import { HttpError } from './http-types.js';
import { sendJson } from './respond.js';
import { Router } from './router.js';
import { ROUTES } from './routes/index.js';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly apiKey?: string;
  readonly maxBodyBytes: number;
}

/** The HTTP front of a Supervisor (DESIGN.md "HTTP API"). A bad request never takes it down. */
export class PlugdHttpServer {
  private readonly server: Server;
  private readonly router = new Router(ROUTES);

  constructor(
    private readonly supervisor: Supervisor,
    private readonly options: HttpServerOptions,
  ) {
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
      if (!match.route.public && !authorized) {
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
