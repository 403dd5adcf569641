/** PlugdHttpServer's answers to bad requests, through real sockets, with the log captured. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { jsonLogger, parseConfig, PlugdHttpServer, Supervisor } from '@plugd/supervisor';

const KEY = 'test-key';
const logs: { level: number; msg: string }[] = [];
let supervisor: Supervisor;
let server: PlugdHttpServer;
let port = 0;

beforeAll(async () => {
  supervisor = new Supervisor(parseConfig({ plugins: [] }, { source: 'test', baseDir: process.cwd() }), {
    logger: jsonLogger((line) => void logs.push(JSON.parse(line) as { level: number; msg: string }), 'debug'),
  });
  server = new PlugdHttpServer(supervisor, { host: '127.0.0.1', port: 0, apiKey: KEY, maxBodyBytes: 4096 });
  await supervisor.start();
  port = (await server.listen()).port;
});
afterAll(async () => {
  await supervisor.stop();
  await server.close();
});

const errorLines = () => logs.filter((l) => l.level >= 50);

/** One raw HTTP/1.1 exchange (so paths such as `//` reach the server unchanged). */
function raw(head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
  });
}

describe('PlugdHttpServer', () => {
  it('answers a malformed % escape with 400 and logs no error', async () => {
    const { status, body } = await raw(`POST /plugins/%E0%A4%A/restart HTTP/1.1\r\nX-Session-API-Key: ${KEY}`);
    expect(status).toBe(400);
    expect(body).toMatch(/malformed % escape/);
    expect(errorLines()).toEqual([]);
  });

  it('treats a target such as "//" (no URL against a base) as a path: a 404, not a crash', async () => {
    expect((await raw('GET // HTTP/1.1')).status).toBe(404);
    expect((await raw('GET //[ HTTP/1.1')).status).toBe(404);
    expect((await raw('GET /alive HTTP/1.1')).status).toBe(200);
  });

  it('does not list the routes in a 404 to a caller without the API key', async () => {
    const anonymous = await raw('GET /admin HTTP/1.1');
    expect(anonymous.status).toBe(404);
    expect(anonymous.body).not.toMatch(/execute_action|routes:/);
    const keyed = await raw(`GET /admin HTTP/1.1\r\nX-Session-API-Key: ${KEY}`);
    expect(keyed.status).toBe(404);
    expect(keyed.body).toMatch(/routes: POST \/execute_action/);
  });

  it('logs clients that hang up mid-request at debug level, never as errors', async () => {
    const before = logs.length;
    const N = 20;
    await Promise.all(
      Array.from({ length: N }, () => new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`POST /execute_action HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Session-API-Key: ${KEY}\r\nContent-Length: 1000\r\n\r\n{"action":`);
          setImmediate(() => socket.destroy());
        });
        socket.on('close', () => resolve());
      })),
    );
    // Each aborted request leaves exactly one line; wait for all of them, then look at their level.
    const deadline = Date.now() + 20_000;
    while (logs.length - before < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lines = logs.slice(before);
    expect(lines).toHaveLength(N);
    expect(lines.every((l) => l.level === 20 && l.msg === 'HTTP client went away before the answer')).toBe(true);
    expect(errorLines()).toEqual([]);
  });
});
