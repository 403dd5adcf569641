/** GET /events with a client that never reads: it is disconnected once its queue passes the bound, never buffered without limit. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { jsonLogger, parseConfig, PlugdHttpServer, Supervisor } from '@plugd/supervisor';
import { MAX_SSE_BUFFERED_BYTES } from '../src/http/routes/events.js';

const logs: { level: number; msg: string }[] = [];
let supervisor: Supervisor;
let server: PlugdHttpServer;
let port = 0;

beforeAll(async () => {
  supervisor = new Supervisor(parseConfig({ plugins: [] }, { source: 'test', baseDir: process.cwd() }), {
    logger: jsonLogger((line) => void logs.push(JSON.parse(line) as { level: number; msg: string }), 'debug'),
  });
  server = new PlugdHttpServer(supervisor, { host: '127.0.0.1', port: 0, maxBodyBytes: 4096 });
  port = (await server.listen()).port;
});
afterAll(async () => {
  await supervisor.stop();
  await server.close();
});

/** An SSE client that reads its headers, then stops reading. */
function stalledClient(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    socket.once('data', () => {
      socket.pause();
      resolve(socket);
    });
  });
}

const payload = 'x'.repeat(16 * 1024);
const emitAction = () => supervisor.emit('action', { plugin: 'p', type: 't', generation: 1, durationMs: 1, outcome: payload });

describe('GET /events backpressure', () => {
  it('disconnects a client that does not read instead of queueing events for it without limit', async () => {
    const base = supervisor.listenerCount('action'); // the metrics listen too
    const socket = await stalledClient();
    expect(supervisor.listenerCount('action')).toBe(base + 1);
    let emitted = 0;
    // Emit until the server lets go of the client; a bound far above the queue limit plus the kernel's socket buffers.
    while (supervisor.listenerCount('action') > base) {
      emitAction();
      emitted += payload.length;
      if (emitted > 200 * 1024 * 1024) throw new Error(`still subscribed after ${emitted} bytes of events`);
      if (emitted % (1024 * 1024) === 0) await new Promise((r) => setImmediate(r));
    }
    expect(emitted).toBeGreaterThan(MAX_SSE_BUFFERED_BYTES);
    expect(emitted).toBeLessThan(64 * 1024 * 1024);
    expect(logs.some((l) => l.msg === 'SSE client does not keep up with the events; disconnected' && l.level === 30)).toBe(true);
    socket.destroy();
  });

  it('keeps serving a client that reads', async () => {
    const base = supervisor.listenerCount('action');
    const chunks: string[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    socket.setEncoding('utf8');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.on('data', (c: string) => chunks.push(c));
    for (let i = 0; i < 200; i++) {
      emitAction();
      await new Promise((r) => setImmediate(r));
    }
    await new Promise<void>((resolve) => {
      const check = () => (chunks.join('').split('event: action').length - 1 >= 200 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(supervisor.listenerCount('action')).toBe(base + 1);
    socket.destroy();
  });
});
