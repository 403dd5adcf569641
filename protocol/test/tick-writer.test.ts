/** Frames written in one tick leave in few write()s, same bytes in the same order; callbacks once handed to the pipe. */
import { describe, expect, it } from '@jest/globals';
import { PassThrough, Writable } from 'node:stream';
import { TickWriter } from '../src/tick-writer.js';
import { encodeMessage, WireWriter } from '../src/wire-writer.js';

function recorder() {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk.toString('utf8'));
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => Buffer.from(c.chunk as Buffer | string).toString('utf8')).join(''));
      done();
    },
  });
  return { out, writes };
}

describe('TickWriter', () => {
  it('coalesces the frames of one tick into one write, in order, and calls every done once written', async () => {
    const { out, writes } = recorder();
    const w = new TickWriter(out, () => undefined);
    const done: string[] = [];
    w.write('a\n', () => done.push('a'));
    w.write('b\n');
    w.write('c\n', () => done.push('c'));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\nc\n']);
    expect(done).toEqual(['a', 'c']);
  });

  it('sends a batch as soon as it holds 8 frames (the reader starts while the writer goes on)', () => {
    const { out, writes } = recorder();
    const w = new TickWriter(out, () => undefined);
    for (let i = 0; i < 9; i++) w.write(`${i}\n`);
    expect(writes).toEqual(['0\n1\n2\n3\n4\n5\n6\n7\n']);
  });

  it('writes Buffers and strings of one batch as one writev, same bytes', async () => {
    const { out, writes } = recorder();
    const w = new WireWriter(out, () => undefined);
    const big = { text: 'é'.repeat(40_000) };
    w.send(encodeMessage({ a: 1 }));
    w.send(encodeMessage(big));
    w.framing = 'ndjson';
    w.send(encodeMessage(big));
    w.send(encodeMessage({ b: 2 }));
    await new Promise((resolve) => setImmediate(resolve));
    const json = JSON.stringify(big);
    expect(writes.join('')).toBe(`Content-Length: 7\r\n\r\n{"a":1}Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}${json}\n{"b":2}\n`);
    expect(writes).toHaveLength(1);
  });

  it('reports a failed write once and still calls done', async () => {
    const out = new PassThrough();
    out.on('error', () => undefined);
    out.end();
    const errors: Error[] = [];
    const w = new TickWriter(out, (error) => errors.push(error));
    const done = await new Promise<boolean>((resolve) => w.write('x\n', () => resolve(true)));
    expect(done).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

describe('WireWriter sizes', () => {
  const utf8 = (message: object): number => Buffer.byteLength(JSON.stringify(message), 'utf8');

  it('tells each newline-delimited frame its UTF-8 size once its batch leaves, in order, ASCII or not', async () => {
    const { out, writes } = recorder();
    const w = new WireWriter(out, () => undefined, 'ndjson');
    const messages = [
      [{ id: 1, text: 'plain ascii, long enough to be a rope of parts' }, { id: 2, text: 'also ascii' }],
      [{ id: 3, text: 'ascii' }, { id: 4, text: 'héllo wörld ✓ 😀' }, { id: 5, text: 'ascii again' }],
      [{ id: 6, text: 'alone, é' }],
      [{ id: 7, text: 'alone' }],
    ];
    const told: [number, number][] = [];
    for (const batch of messages) {
      for (const m of batch) w.send(encodeMessage(m), undefined, (encoded) => told.push([m.id, encoded.bytes]));
      // A batch's sizes are told when it leaves, not as each frame is queued.
      expect(told).toHaveLength(messages.slice(0, messages.indexOf(batch)).flat().length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const all = messages.flat();
    expect(told).toEqual(all.map((m) => [m.id, utf8(m)]));
    expect(writes.join('')).toBe(all.map((m) => `${JSON.stringify(m)}\n`).join(''));
  });

  it('tells a size at once where it is known: Content-Length frames, and large frames encoded up front', () => {
    const { out } = recorder();
    const w = new WireWriter(out, () => undefined);
    const told: number[] = [];
    const small = { text: 'ünï' };
    w.send(encodeMessage(small), undefined, (encoded) => told.push(encoded.bytes));
    expect(told).toEqual([utf8(small)]);
    w.framing = 'ndjson';
    const big = { text: 'é'.repeat(70_000) }; // over LARGE_CHARS: encoded to a Buffer at once
    w.send(encodeMessage(big), undefined, (encoded) => told.push(encoded.bytes));
    expect(told).toEqual([utf8(small), utf8(big)]);
  });

  it('writes the frames and tells the others when one sizer throws', async () => {
    const { out, writes } = recorder();
    const w = new WireWriter(out, () => undefined, 'ndjson');
    const told: number[] = [];
    w.send(encodeMessage({ id: 1 }), undefined, () => {
      throw new Error('tracer bug');
    });
    w.send(encodeMessage({ id: 2 }), undefined, (encoded) => told.push(encoded.bytes));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes.join('')).toBe('{"id":1}\n{"id":2}\n');
    expect(told).toEqual([8]);
  });
});
