/** The shared wire framing: what one end encodes, the other decodes, however the bytes are split. */
import { describe, expect, it } from '@jest/globals';
import { encodeFrame, FrameDecoder } from '../src/framing.js';

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
