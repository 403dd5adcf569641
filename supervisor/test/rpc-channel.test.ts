import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { RpcChannel } from '../src/rpc/rpc-channel.js';
import { RpcResponseError } from '../src/rpc/rpc-error.js';
import { ProtocolViolation } from '../src/rpc/protocol-violation.js';
import { flush } from './fakes/managed.js';

/** A channel over in-memory pipes; `plugin` writes frames to it and reads what it sent. */
function pair() {
  const toSupervisor = new PassThrough();
  const toPlugin = new PassThrough();
  const sent: Record<string, unknown>[] = [];
  let buffer = '';
  toPlugin.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let m = /^Content-Length: (\d+)\r\n\r\n/.exec(buffer); m && buffer.length >= m[0].length + Number(m[1]); m = /^Content-Length: (\d+)\r\n\r\n/.exec(buffer)) {
      sent.push(JSON.parse(buffer.slice(m[0].length, m[0].length + Number(m[1]))) as Record<string, unknown>);
      buffer = buffer.slice(m[0].length + Number(m[1]));
    }
  });
  const notifications: [string, unknown][] = [];
  const broken: Error[] = [];
  let activity = 0;
  const channel = new RpcChannel(toSupervisor, toPlugin, 4096, {
    onNotification: (method, params) => notifications.push([method, params]),
    onActivity: () => (activity += 1),
    onBroken: (error) => broken.push(error),
  });
  const reply = (message: object) => {
    const json = JSON.stringify({ jsonrpc: '2.0', ...message });
    toSupervisor.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  };
  return { channel, sent, reply, notifications, broken, activity: () => activity, toSupervisor };
}

describe('RpcChannel', () => {
  it('tells a tracer every frame it sends with its UTF-8 size, after newline-delimited JSON was negotiated too', async () => {
    const { channel } = pair();
    const told: { dir: string; kind: string; method: string; id?: number | string | undefined; bytes: number }[] = [];
    channel.frameListener = (dir, kind, method, id, _durationMs, bytes) => told.push({ dir, kind, method, id, bytes });
    const params = [{ text: 'ascii' }, { text: 'héllo ✓' }];
    const expected = (id: number, p: object) => ({ dir: 'out', kind: 'request', method: 'run', id, bytes: Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id, method: 'run', params: p })) });
    const send = (p: object): number => {
      const { id, result } = channel.request('run', p);
      result.catch(() => undefined); // rejected by close() below
      return id;
    };
    const first = params.map(send);
    await flush();
    channel.useLines();
    // Several frames in one tick leave in one batch: ASCII ones are sized by it, the others alone.
    const lines = [...params, { text: 'more ascii' }].map(send);
    expect(told).toHaveLength(2);
    await flush();
    expect(told).toEqual([...first.map((id, i) => expected(id, params[i]!)), ...lines.map((id, i) => expected(id, [...params, { text: 'more ascii' }][i]!))]);
    channel.close(new Error('done'));
  });

  it('does not tell a tracer removed before its frames left', async () => {
    const { channel } = pair();
    channel.useLines();
    const told: string[] = [];
    channel.frameListener = (_dir, _kind, method) => told.push(method);
    for (const n of [1, 2]) channel.request('run', { n }).result.catch(() => undefined);
    channel.frameListener = undefined;
    await flush();
    expect(told).toEqual([]);
    channel.close(new Error('done'));
  });

  it('matches replies to requests by id, in any order', async () => {
    const { channel, reply, sent } = pair();
    const a = channel.request('run', { n: 1 });
    const b = channel.request('run', { n: 2 });
    await flush();
    expect(sent.map((m) => m['id'])).toEqual([a.id, b.id]);
    reply({ id: b.id, result: 'second' });
    reply({ id: a.id, result: 'first' });
    await expect(a.result).resolves.toBe('first');
    await expect(b.result).resolves.toBe('second');
  });

  it('rejects a request answered with an error with RpcResponseError (code and message kept)', async () => {
    const { channel, reply } = pair();
    const r = channel.request('run', {});
    reply({ id: r.id, error: { code: -32602, message: 'bad args' } });
    const error = await r.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcResponseError);
    expect(error).toMatchObject({ rpcCode: -32602, method: 'run' });
    expect((error as Error).message).toMatch(/bad args/);
  });

  it('delivers notifications, counts every message as activity, and ignores a reply to an unknown id', async () => {
    const { reply, notifications, activity, channel } = pair();
    reply({ method: 'plugd/log', params: { level: 'info', message: 'hi' } });
    reply({ id: 999, result: 'late' });
    await flush();
    expect(notifications).toEqual([['plugd/log', { level: 'info', message: 'hi' }]]);
    expect(activity()).toBe(2);
    channel.dispose();
  });

  it('answers a request from the plugin with MethodNotFound (plugins send no requests in protocol v1)', async () => {
    const { reply, sent } = pair();
    reply({ id: 'x1', method: 'fs/read', params: {} });
    await flush();
    expect(sent).toEqual([{ jsonrpc: '2.0', id: 'x1', error: { code: -32601, message: 'plugd does not serve fs/read' } }]);
  });

  it('rejects every pending request on close, and later requests at once', async () => {
    const { channel } = pair();
    const pending = channel.request('run', {});
    channel.close(new Error('plugin exited'));
    await expect(pending.result).rejects.toThrow('plugin exited');
    await expect(channel.request('run', {}).result).rejects.toThrow('plugin exited');
  });

  it('reports bytes that are not a frame as a ProtocolViolation through onBroken', async () => {
    const { toSupervisor, broken } = pair();
    toSupervisor.write('oops, a console.log\n');
    await flush();
    expect(broken[0]).toBeInstanceOf(ProtocolViolation);
    expect(broken[0]!.message).toMatch(/oops, a console.log/);
  });

  it('reports a frame over the size limit as a ProtocolViolation', async () => {
    const { toSupervisor, broken } = pair();
    toSupervisor.write('Content-Length: 999999\r\n\r\n');
    await flush();
    expect(broken[0]).toBeInstanceOf(ProtocolViolation);
  });
});
