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
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const match = this.router.match(req.method ?? 'GET', url.pathname);
      if (!match) throw new HttpError(404, { detail: `no route ${req.method} ${url.pathname}; routes: ${this.router.describe().join(', ')}` });
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
