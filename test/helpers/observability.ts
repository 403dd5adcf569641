/**
 * A Supervisor with a capturing pino logger and (optionally) its HTTP server, for the
 * trace/observability tests. Waits on events, never sleeps for sync.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { jsonLogger, parseConfig, PlugdHttpServer, Supervisor } from '@plugd/supervisor';
import type { SupervisorEvents, TraceRecord } from '@plugd/supervisor';
import { nextEvent } from './supervisor-events.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const ECHO = ['node', `${REPO}plugins/echo/dist/index.js`];
export const CHATTY = ['node', `${REPO}test/fixtures/plugins/chatty.mjs`];
export const PLUGD = `${REPO}bin/plugd`;

/** No pings in the way of exact frame sequences; fast restarts. */
export const QUIET_TIMEOUTS = { pingIntervalMs: 600_000, shutdownMs: 2_000, initMs: 20_000 };
export const FAST_RESTART = { initialDelayMs: 20, jitter: 0, maxDelayMs: 200, maxRestarts: 100 };

export type LogEntry = Record<string, unknown> & { level: number; msg: string };

export interface Observed {
  readonly supervisor: Supervisor;
  readonly logs: LogEntry[];
  server?: PlugdHttpServer;
  url?: string;
  next<K extends keyof SupervisorEvents>(kind: K, match?: (e: SupervisorEvents[K][0]) => boolean, ms?: number): Promise<SupervisorEvents[K][0]>;
  close(): Promise<void>;
}

export function observed(raw: Record<string, unknown>): Observed {
  const config = parseConfig(raw, { source: 'test', baseDir: REPO });
  const logs: LogEntry[] = [];
  const logger = jsonLogger((line) => void logs.push(JSON.parse(line) as LogEntry), 'debug');
  const supervisor = new Supervisor(config, { logger });
  const o: Observed = {
    supervisor,
    logs,
    next: (kind, match, ms) => nextEvent(supervisor, kind, match, ms),
    async close() {
      await supervisor.stop();
      await o.server?.close();
    },
  };
  return o;
}

export async function withServer(o: Observed): Promise<string> {
  o.server = new PlugdHttpServer(o.supervisor, { host: '127.0.0.1', port: 0, maxBodyBytes: 1024 * 1024 });
  await o.server.listen();
  o.url = o.server.url;
  return o.url;
}

/** Reads a Server-Sent Events stream; `until` resolves with the first event that matches. */
export interface SseClient {
  readonly events: { event: string; data: unknown }[];
  readonly comments: string[];
  until(match: (e: { event: string; data: unknown }) => boolean, ms?: number): Promise<{ event: string; data: unknown }>;
  close(): void;
}

export function openSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        return;
      }
      const events: { event: string; data: unknown }[] = [];
      const comments: string[] = [];
      const waiters: { match: (e: { event: string; data: unknown }) => boolean; resolve: (e: { event: string; data: unknown }) => void }[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (!data) continue;
          const e = { event, data: JSON.parse(data) as unknown };
          events.push(e);
          for (const w of [...waiters]) {
            if (w.match(e)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(e);
            }
          }
        }
      });
      resolve({
        events,
        comments,
        until(match, ms = 30_000) {
          const found = events.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((res2, rej2) => {
            const timer = setTimeout(() => rej2(new Error(`no matching SSE event within ${ms} ms; got ${events.map((e) => e.event).join(', ')}`)), ms);
            waiters.push({ match, resolve: (e) => (clearTimeout(timer), res2(e)) });
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `check` until it is true (for state only visible by looking, e.g. listener counts). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The records of a trace file (JSON lines). */
export function readTrace(file: string): TraceRecord[] {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TraceRecord);
}

/**
 * Temp dirs and started supervisors of one test file, cleaned up by `cleanup()` (call it
 * in afterEach: it runs also when a test fails).
 */
export function scratch(prefix: string) {
  let dirs: string[] = [];
  let open: Observed[] = [];
  return {
    tmp(): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    start(raw: Record<string, unknown>): Observed {
      const o = observed(raw);
      open.push(o);
      return o;
    },
    async cleanup(): Promise<void> {
      await Promise.all(open.map((o) => o.close()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      open = [];
      dirs = [];
    },
  };
}
