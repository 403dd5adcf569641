import type { SupervisorEventName, SupervisorEvents } from '../../events.js';
import type { Route } from '../http-types.js';

/** The events `GET /events` streams (not stderr/log lines: those go to the log). */
export const STREAMED_EVENTS = ['state', 'spawn', 'ready', 'start_failed', 'exit', 'restart', 'failed', 'reload', 'reload_failed', 'action', 'fallback', 'retry', 'call', 'config_reload'] as const satisfies readonly SupervisorEventName[];

export const HEARTBEAT_MS = 15_000;

/**
 * Most bytes queued for one SSE client that does not read. Past it the client is
 * disconnected (it may reconnect: `retry`); events are never buffered without limit
 * for a reader that is too slow or gone.
 */
export const MAX_SSE_BUFFERED_BYTES = 1024 * 1024;

/**
 * GET /events: Server-Sent Events. Each supervisor event is `event: <name>` with its
 * payload as JSON in `data:`; a `: heartbeat` comment every 15 s keeps proxies from
 * closing an idle stream. `?plugin=NAME` keeps one plugin's events; `?events=a,b`
 * keeps those event names. The listeners go when the client disconnects.
 */
export const eventsRoute: Route = {
  method: 'GET',
  path: '/events',
  handle({ req, res, supervisor, url }) {
    const plugin = url.searchParams.get('plugin') ?? undefined;
    const only = url.searchParams.get('events')?.split(',').filter(Boolean);
    const names = STREAMED_EVENTS.filter((name) => !only || only.includes(name));
    // Bounded: a timer past 2^31-1 ms fires at once, and a tiny one would be a busy loop.
    const heartbeatMs = Math.min(Math.max(Number(url.searchParams.get('heartbeatMs')) || HEARTBEAT_MS, 10), 3_600_000);

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n: plugd events: ${names.join(', ')}\n\n`);

    let cleaned = false;
    const send = (text: string): void => {
      if (cleaned) return;
      if (res.writableLength > MAX_SSE_BUFFERED_BYTES) {
        supervisor.logger.info({ path: '/events', queuedBytes: res.writableLength }, 'SSE client does not keep up with the events; disconnected');
        cleanup();
        res.destroy();
        return;
      }
      res.write(text);
    };
    let seq = 0;
    const listeners = names.map((name) => {
      const listener = (payload: SupervisorEvents[typeof name][0]): void => {
        if (plugin && (payload as { plugin?: string }).plugin !== plugin) return;
        seq += 1;
        send(`id: ${seq}\nevent: ${name}\ndata: ${JSON.stringify({ ...payload, time: new Date().toISOString() })}\n\n`);
      };
      supervisor.on(name, listener as never);
      return [name, listener] as const;
    });
    const heartbeat = setInterval(() => send(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
    heartbeat.unref();

    const cleanup = (): void => {
      if (cleaned) return;
      cleaned = true;
      clearInterval(heartbeat);
      for (const [name, listener] of listeners) supervisor.off(name, listener as never);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
    res.on('error', cleanup);
  },
};
