import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { LineDecoder } from '../src/line-framing.js';
import { encodeMessage, WireWriter } from '../src/wire-writer.js';

function decoder(max = 64, objectsOnly = false) {
  const messages: unknown[] = [];
  const sizes: number[] = [];
  const errors: { message: string }[] = [];
  const d = new LineDecoder(
    max,
    { message: (m, bytes) => (messages.push(m), sizes.push(bytes)), violation: (problem, seen) => errors.push({ message: `${problem}; it wrote: ${seen.toString('utf8')}` }) },
    { objectsOnly, hint: 'one object per line' },
  );
  return { d, messages, sizes, errors };
}

describe('newline-delimited JSON codec (MCP stdio framing, plugd after negotiation)', () => {
  it('decodes messages split across chunks and several in one chunk, CRLF and blank lines included', () => {
    const { d, messages, sizes } = decoder();
    d.push(Buffer.from('{"a":'));
    d.push(Buffer.from('1}\r\n\n{"b":2}\n{"c"'));
    d.push(Buffer.from(':3}\n'));
    expect(messages).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(sizes).toEqual([7, 7, 7]);
  });

  it('fails on a line that is not JSON, quoting it, and delivers nothing after', () => {
    const { d, messages, errors } = decoder();
    d.push(Buffer.from('{"ok":1}\nnot json at all\n{"late":1}\n'));
    expect(messages).toEqual([{ ok: 1 }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('not json at all');
  });

  it('fails on a line over maxFrameBytes before its newline arrives (no unbounded buffering)', () => {
    const { d, errors } = decoder(64);
    d.push(Buffer.from('{"x":"' + 'y'.repeat(40)));
    expect(errors).toHaveLength(0);
    d.push(Buffer.from('y'.repeat(40)));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/maxFrameBytes \(64 bytes\)/);
  });

  it('encodes one message a line with its size without the newline', async () => {
    let text = '';
    const out = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString('utf8')), done()) });
    const encoded = encodeMessage({ jsonrpc: '2.0', method: 'ping' });
    await new Promise<void>((resolve) => new WireWriter(out, () => undefined, 'ndjson').send(encoded, resolve));
    expect({ text, bytes: encoded.bytes }).toEqual({ text: '{"jsonrpc":"2.0","method":"ping"}\n', bytes: 33 });
  });
});

describe('LineDecoder with objectsOnly (plugd after negotiation)', () => {
  it.each([
    ['text that is not JSON', 'hello there\n', /expected a JSON object line at a frame boundary \(one object per line\)/],
    ['a blank line', '\n', /expected a JSON object line/],
    ['a JSON object cut short', '{"a":\n', /a line that is not JSON \(one object per line\)/],
  ])('refuses %s, quoting it, and delivers nothing after', (_what, bytes, problem) => {
    const { d, messages, errors } = decoder(64, true);
    d.push(Buffer.from(`{"ok":1}\n${bytes}{"late":1}\n`));
    expect(messages).toEqual([{ ok: 1 }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(problem);
    expect(d.broken).toBe(true);
  });

  it('reads every complete line of a chunk, and a line split across many chunks, with exact sizes', () => {
    const { d, messages, sizes } = decoder(1024, true);
    d.push(Buffer.from('{"a":1}\n{"b":"é"}\n{"c":'));
    for (const piece of ['"xx', 'yy', '"}\n']) d.push(Buffer.from(piece));
    expect(messages).toEqual([{ a: 1 }, { b: 'é' }, { c: 'xxyy' }]);
    expect(sizes).toEqual([7, 10, 12]);
  });
});
