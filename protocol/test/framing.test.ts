/** The shared wire framing: what one end encodes, the other decodes, however the bytes are split. */
import { describe, expect, it } from '@jest/globals';
import { encodeFrame, FrameDecoder } from '../src/framing.js';
import { LineDecoder } from '../src/line-framing.js';

function decoder(max = 1024 * 1024) {
  const messages: { message: object; bytes: number }[] = [];
  const violations: { problem: string; seen: string }[] = [];
  const d = new FrameDecoder(max, {
    message: (message, bytes) => messages.push({ message, bytes }),
    violation: (problem, seen) => violations.push({ problem, seen: seen.toString('utf8') }),
  });
  return { d, messages, violations };
}

describe('encodeFrame + FrameDecoder', () => {
  it('round-trips messages split at every byte, multi-byte characters included', () => {
    const sent = [{ jsonrpc: '2.0', id: 1, method: 'run', params: { text: 'héllo ✓' } }, { jsonrpc: '2.0', id: 1, result: {} }];
    const wire = Buffer.from(sent.map((m) => encodeFrame(JSON.stringify(m))).join(''), 'utf8');
    for (const step of [1, 2, 7, wire.length]) {
      const { d, messages, violations } = decoder();
      for (let i = 0; i < wire.length; i += step) d.push(wire.subarray(i, i + step));
      expect(violations).toEqual([]);
      expect(messages.map((m) => m.message)).toEqual(sent);
      expect(messages[0]!.bytes).toBe(Buffer.byteLength(JSON.stringify(sent[0])));
    }
  });

  it('encodeFrame counts bytes, not characters', () => {
    expect(encodeFrame('"é"')).toBe('Content-Length: 4\r\n\r\n"é"');
  });

  it.each([
    ['stray text at a frame boundary', 'hello\r\n\r\n', /expected a "Name: value" header line/],
    ['a frame over the limit', 'Content-Length: 5000\r\n\r\n', /frame of 5000 bytes is over the limit of 1024 bytes/],
    ['a body that is not JSON', 'Content-Length: 3\r\n\r\n{x}', /frame body is not JSON/],
    ['a JSON body that is no object', 'Content-Length: 2\r\n\r\n[]', /not a JSON-RPC message object/],
    ['no Content-Length', 'X-Other: 1\r\n\r\n{}', /no Content-Length/],
  ])('reports %s once, quoting the bytes, and stops', (_what, bytes, problem) => {
    const { d, messages, violations } = decoder(1024);
    d.push(Buffer.from(bytes + encodeFrame('{"after":1}')));
    d.push(Buffer.from(encodeFrame('{"after":2}')));
    expect(messages).toEqual([]);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.problem).toMatch(problem);
    expect(d.broken).toBe(true);
  });
});

describe('FrameDecoder: the canonical header in one step', () => {
  it('reads every frame of a chunk, and a body that spans chunks, the same as byte by byte', () => {
    const sent = Array.from({ length: 5 }, (_, i) => ({ jsonrpc: '2.0', id: i, result: { text: 'x'.repeat(i * 40) } }));
    const wire = Buffer.from(sent.map((m) => encodeFrame(JSON.stringify(m))).join(''), 'utf8');
    for (const step of [wire.length, 100, 33]) {
      const { d, messages, violations } = decoder();
      for (let i = 0; i < wire.length; i += step) d.push(wire.subarray(i, i + step));
      expect(violations).toEqual([]);
      expect(messages.map((m) => m.message)).toEqual(sent);
      expect(messages.map((m) => m.bytes)).toEqual(sent.map((m) => Buffer.byteLength(JSON.stringify(m))));
    }
  });

  it('keeps the strict checks for near-canonical headers', () => {
    for (const [bytes, problem] of [
      ['Content-Length: 12x\r\n\r\n{}', /Content-Length "12x" is not a number/],
      ['Content-Length: 5000\r\n\r\n{}', /frame of 5000 bytes is over the limit of 1024 bytes/],
      ['Content-Length: 2\n\n{}', /bare \\n/],
    ] as const) {
      const { d, violations } = decoder(1024);
      d.push(Buffer.from(bytes));
      expect(violations.map((v) => v.problem)).toEqual([expect.stringMatching(problem)]);
    }
  });
});

describe('FrameDecoder hand-over to newline-delimited JSON', () => {
  const lines = (sink: { message: (m: object, b: number) => void; violation: (p: string, s: Buffer) => void }) =>
    new LineDecoder(1024, { message: (m, b) => sink.message(m as object, b), violation: sink.violation }, { objectsOnly: true });

  it('next-frame: the bytes after the frame being delivered are lines, in the same chunk too', () => {
    const messages: unknown[] = [];
    const sink = { message: (m: object) => {
      messages.push(m);
      if ((m as { method?: string }).method === 'initialized') d.handOver(lines(sink), 'next-frame');
    }, violation: (p: string) => messages.push(`violation: ${p}`) };
    const d = new FrameDecoder(1024, sink);
    d.push(Buffer.from(`${encodeFrame('{"method":"initialized"}')}{"id":1}\n{"id"`));
    d.push(Buffer.from(':2}\n'));
    expect(messages).toEqual([{ method: 'initialized' }, { id: 1 }, { id: 2 }]);
    expect(d.onLines).toBe(true);
  });

  it('first-line: Content-Length frames until the first `{` at a frame boundary, then only lines', () => {
    const { d, messages, violations } = decoder(1024);
    const sink = { message: (m: object, b: number) => messages.push({ message: m, bytes: b }), violation: (p: string, s: Buffer) => violations.push({ problem: p, seen: s.toString() }) };
    d.handOver(lines(sink), 'first-line');
    d.push(Buffer.from(`${encodeFrame('{"early":1}')}{"line":2}\n`));
    expect(messages).toEqual([{ message: { early: 1 }, bytes: 11 }, { message: { line: 2 }, bytes: 10 }]);
    d.push(Buffer.from(encodeFrame('{"late":3}')));
    expect(violations).toHaveLength(1);
    expect(violations[0]!.problem).toMatch(/expected a JSON object line at a frame boundary/);
    expect(violations[0]!.seen).toContain('Content-Length: 10');
    expect(d.broken).toBe(true);
  });

  it('first-line: garbage at a frame boundary names both framings it could have been', () => {
    const { d, violations } = decoder(1024);
    d.handOver(lines({ message: () => undefined, violation: () => undefined }), 'first-line');
    d.push(Buffer.from('oops, a console.log\n'));
    expect(violations.map((v) => v.problem)).toEqual([
      'expected a "Name: value" header line or a JSON object line (newline-delimited JSON, negotiated) at a frame boundary',
    ]);
  });

  it('refuses a line over the frame limit before its newline arrives', () => {
    const got: string[] = [];
    const d = new FrameDecoder(1024, { message: () => undefined, violation: (p) => got.push(p) });
    d.handOver(new LineDecoder(1024, { message: () => undefined, violation: (p) => got.push(p) }, { objectsOnly: true }), 'first-line');
    d.push(Buffer.from(`{"x":"${'y'.repeat(600)}`));
    d.push(Buffer.from('y'.repeat(600)));
    expect(got).toEqual(['a line longer than maxFrameBytes (1024 bytes) with no newline']);
  });
});
