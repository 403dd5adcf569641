import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { StrictMessageReader, ProtocolViolation } from '@plugd/supervisor';

function frame(body: string): string {
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function read(chunks: (string | Buffer)[], maxFrameBytes = 1024): { messages: unknown[]; errors: Error[] } {
  const stream = new PassThrough();
  const reader = new StrictMessageReader(stream, maxFrameBytes);
  const messages: unknown[] = [];
  const errors: Error[] = [];
  reader.listen((m) => messages.push(m));
  reader.onError((e) => errors.push(e));
  for (const chunk of chunks) stream.write(chunk);
  return { messages, errors };
}

describe('StrictMessageReader', () => {
  it('reads frames split at every byte and frames sharing one chunk', () => {
    const a = frame('{"jsonrpc":"2.0","id":1,"result":"é"}');
    const b = frame('{"jsonrpc":"2.0","method":"x"}');
    const bytes = Buffer.from(a + b);
    const split = [...bytes].map((byte) => Buffer.from([byte]));
    expect(read(split).messages).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'é' },
      { jsonrpc: '2.0', method: 'x' },
    ]);
    expect(read([a + b + a]).messages).toHaveLength(3);
  });

  it('accepts a Content-Type header beside Content-Length', () => {
    const body = '{"jsonrpc":"2.0","id":2,"result":null}';
    const { messages, errors } = read([`Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${body}`]);
    expect(errors).toEqual([]);
    expect(messages).toHaveLength(1);
  });

  it('fails at once on text at a frame boundary and quotes what the plugin printed', () => {
    const { messages, errors } = read(['hello from a careless plugin\n', frame('{"jsonrpc":"2.0","id":1,"result":1}')]);
    expect(messages).toEqual([]);
    expect(errors).toHaveLength(1);
    const error = errors[0] as ProtocolViolation;
    expect(error).toBeInstanceOf(ProtocolViolation);
    expect(error.quote).toContain('hello from a careless plugin');
  });

  it('fails on garbage after a good frame without swallowing what came before', () => {
    const { messages, errors } = read([frame('{"jsonrpc":"2.0","id":1,"result":1}') + 'garbage that is not a header\r\n\r\n']);
    expect(messages).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/header line/);
  });

  it('fails on a frame over the size limit before reading its body', () => {
    const { errors } = read(['Content-Length: 2000000000\r\n\r\nxxxx'], 1024);
    expect(errors[0]?.message).toMatch(/2000000000 bytes is over the limit of 1024/);
  });

  it('fails on a body that is not JSON, and on a header block without Content-Length', () => {
    expect(read([frame('{"a":')]).errors[0]?.message).toMatch(/not JSON/);
    expect(read(['X-Other: 1\r\n\r\n']).errors[0]?.message).toMatch(/no Content-Length/);
    expect(read(['Content-Length: abc\r\n\r\n']).errors[0]?.message).toMatch(/not a number/);
  });

  it('reports only the first violation and stops reading', () => {
    const { errors, messages } = read(['oops\n', 'more garbage\n', frame('{"jsonrpc":"2.0","id":1,"result":1}')]);
    expect(errors).toHaveLength(1);
    expect(messages).toEqual([]);
  });
});
