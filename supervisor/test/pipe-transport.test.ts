import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { PipeTransport } from '../src/mcp/pipe-transport.js';

function transport() {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const t = new PipeTransport(fromServer, toServer, 1 << 20, { onActivity: () => undefined, onBroken: () => undefined });
  return { t, fromServer };
}

describe('PipeTransport (the MCP SDK transport on plugd pipes)', () => {
  it('forgets a request once it is answered, or once plugd cancels it (a cancelled request gets no answer)', async () => {
    const { t, fromServer } = transport();
    await t.start();
    await t.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'a' } });
    await t.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'b' } });
    expect(t.pendingIds).toBe(2);
    await t.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2, reason: 'its client cancelled it' } });
    expect(t.pendingIds).toBe(1);
    const received = new Promise((resolve) => (t.onmessage = resolve));
    fromServer.write('{"jsonrpc":"2.0","id":1,"result":{"content":[]}}\n');
    await received;
    expect(t.pendingIds).toBe(0);
    await t.close();
  });
});
