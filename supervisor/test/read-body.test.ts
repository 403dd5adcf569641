/** readJsonBody against a real HTTP server and real sockets. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpError } from '../src/http/http-types.js';
import { readJsonBody } from '../src/http/read-body.js';

const LIMIT = 2048;
let server: Server;
let port = 0;
const failures: unknown[] = [];
let failed: (() => void) | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    readJsonBody(req, LIMIT).then(
      (body) => res.end(JSON.stringify({ body })),
      (error: unknown) => {
        failures.push(error);
        failed?.();
        if (error instanceof HttpError) {
          res.writeHead(error.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(error.body));
        } else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function post(body: string | Buffer[], headers: Record<string, string> = {}): Promise<{ status: number; json: { body?: unknown; content?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    if (typeof body === 'string') req.end(body);
    else {
      for (const chunk of body) req.write(chunk);
      req.end();
    }
  });
}

describe('readJsonBody', () => {
  it('parses a JSON body', async () => {
    expect(await post('{"action": {"action": "run"}}')).toEqual({ status: 200, json: { body: { action: { action: 'run' } } } });
  });

  it('an empty body is a 400 saying what to send', async () => {
    const { status, json } = await post('  ');
    expect(status).toBe(400);
    expect(json.content).toMatch(/the request body is empty; send \{"action": \{\.\.\.\}\} as JSON/);
  });

  it('a body that is not JSON is a 400 quoting the parse error', async () => {
    const { status, json } = await post('{"action": ');
    expect(status).toBe(400);
    expect(json.content).toMatch(/the request body is not JSON \(.+\); send \{"action"/);
  });

  it('a declared content-length over the limit is a 413 before reading the body', async () => {
    const { status, json } = await post('x'.repeat(LIMIT + 1));
    expect(status).toBe(413);
    expect(json.content).toMatch(`over the limit of ${LIMIT} bytes (server.maxBodyBytes)`);
  });

  it('a chunked body that grows over the limit is a 413', async () => {
    const chunks = Array.from({ length: 5 }, () => Buffer.alloc(1000, 0x20));
    const { status } = await post(chunks, { 'transfer-encoding': 'chunked' });
    expect(status).toBe(413);
  });

  it('a client that hangs up mid-body rejects with the abort, not an HttpError', async () => {
    const before = failures.length;
    const seen = new Promise<void>((resolve) => (failed = resolve));
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"action":');
      setImmediate(() => socket.destroy());
    });
    await seen;
    expect(failures.length).toBe(before + 1);
    expect(failures.at(-1)).not.toBeInstanceOf(HttpError);
  });
});
