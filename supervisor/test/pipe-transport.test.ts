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

  it("passes a request's progress to its sink as each line arrives, before the SDK sees it, and forgets the sink with the answer", async () => {
    const { t, fromServer } = transport();
    await t.start();
    const order: string[] = [];
    t.onmessage = (m) => order.push(`sdk ${'method' in m ? m.method : 'answer'}`);
    t.progress.expect((p) => order.push(`sink ${p.progress}/${p.total}`));
    await t.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'a', _meta: { progressToken: 7 } } });
    expect(t.progress.settle()).toBe(true);
    await t.send({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'b', _meta: { progressToken: 8 } } });
    const done = new Promise<void>((resolve) => {
      const sdk = t.onmessage!;
      t.onmessage = (m) => {
        sdk(m);
        if ('id' in m && m.id === 7) resolve();
      };
    });
    // The last progress and the answer in one read, as a server often writes them.
    fromServer.write(
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":8,"progress":1}}\n' +
        '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":7,"progress":2,"total":2}}\n{"jsonrpc":"2.0","id":7,"result":{"content":[]}}\n',
    );
    await done;
    expect(order).toEqual(['sdk notifications/progress', 'sink 2/2', 'sdk notifications/progress', 'sdk answer']);
    expect(t.progress.size).toBe(0);
    await t.close();
  });
});
