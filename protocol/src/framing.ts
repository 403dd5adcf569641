import { MAX_HEADER_BYTES } from './limits.js';

/**
 * The wire framing of protocol v1 (`Content-Length: N\r\n\r\n` + N bytes of UTF-8 JSON),
 * pure: no streams, no I/O. Both ends use it; each keeps its own reading and writing.
 */

/** One frame as a string (header and body), for a single write. */
export function encodeFrame(json: string, bytes: number = Buffer.byteLength(json, 'utf8')): string {
  return `Content-Length: ${bytes}\r\n\r\n${json}`;
}

/** What a FrameDecoder hands on: each message object, and the first broken frame. */
export interface FrameSink {
  /** A JSON object, the body of one frame of `bytes` bytes. */
  message(message: object, bytes: number): void;
  /** The stream is broken at a frame boundary and cannot be resynced; `seen` quotes the bytes. */
  violation(problem: string, seen: Buffer): void;
}

const CR = 13;
const LF = 10;
const COLON = 58;
/** RFC 7230 token characters, as a byte lookup table (a regex per byte costs microseconds a frame). */
const TOKEN = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+.^_`|~-") TOKEN[c.charCodeAt(0)] = 1;
/** How many bytes after a broken boundary a violation quotes. */
const QUOTE_AFTER = 160;

type HeaderState = 'line-start' | 'name' | 'value' | 'cr' | 'end-cr';

/**
 * Decodes frames strictly as bytes arrive. A lenient reader (vscode-jsonrpc's) waits for
 * the next blank line on garbage and so swallows the next frame; here anything but a
 * header line at a frame boundary, a frame over `maxFrameBytes`, or a body that is not a
 * JSON object is a violation at once, and the decoder stops.
 */
export class FrameDecoder {
  private failed = false;
  private state: HeaderState = 'line-start';
  /** Header bytes of the current frame so far (`headerLength` of them). */
  private readonly header = Buffer.allocUnsafe(MAX_HEADER_BYTES + 1);
  private headerLength = 0;
  private lineStart = 0;
  private contentLength = -1;
  private inBody = false;
  private bodyChunks: Buffer[] = [];
  private bodyHave = 0;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly sink: FrameSink,
  ) {}

  get broken(): boolean {
    return this.failed;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.failed) {
      offset = this.inBody ? this.readBody(chunk, offset) : this.readHeader(chunk, offset);
    }
  }

  private readHeader(chunk: Buffer, start: number): number {
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i]!;
      this.header[this.headerLength++] = byte;
      if (this.headerLength > MAX_HEADER_BYTES) return this.fail('frame header is longer than any real header', chunk, i);
      switch (this.state) {
        case 'line-start':
          if (byte === CR) this.state = 'end-cr';
          else if (TOKEN[byte] === 1) this.state = 'name';
          else return this.fail('expected a "Name: value" header line at a frame boundary', chunk, i);
          break;
        case 'name':
          if (byte === COLON) this.state = 'value';
          else if (TOKEN[byte] !== 1) return this.fail('expected a "Name: value" header line at a frame boundary', chunk, i);
          break;
        case 'value':
          if (byte === CR) this.state = 'cr';
          else if (byte === LF) return this.fail('header line ends in a bare \\n; frames use \\r\\n', chunk, i);
          break;
        case 'cr':
          if (byte !== LF) return this.fail('header line has \\r without \\n', chunk, i);
          if (!this.takeHeaderLine(chunk, i)) return chunk.length;
          this.state = 'line-start';
          this.lineStart = this.headerLength;
          break;
        case 'end-cr':
          if (byte !== LF) return this.fail('header block has \\r without \\n', chunk, i);
          return this.endHeader(chunk, i + 1);
      }
    }
    return chunk.length;
  }

  private takeHeaderLine(chunk: Buffer, at: number): boolean {
    const line = this.header.toString('ascii', this.lineStart, this.headerLength - 2);
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name !== 'content-length') return true;
    const value = line.slice(colon + 1).trim();
    if (!/^\d+$/.test(value)) {
      this.fail(`Content-Length "${value}" is not a number`, chunk, at);
      return false;
    }
    this.contentLength = Number(value);
    if (this.contentLength > this.maxFrameBytes) {
      this.fail(`frame of ${this.contentLength} bytes is over the limit of ${this.maxFrameBytes} bytes`, chunk, at);
      return false;
    }
    return true;
  }

  private endHeader(chunk: Buffer, next: number): number {
    if (this.contentLength < 0) return this.fail('frame header has no Content-Length', chunk, next - 1);
    this.inBody = true;
    this.bodyChunks = [];
    this.bodyHave = 0;
    if (this.contentLength === 0) this.emitBody();
    return next;
  }

  private readBody(chunk: Buffer, start: number): number {
    const need = this.contentLength - this.bodyHave;
    const end = Math.min(chunk.length, start + need);
    this.bodyChunks.push(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
    this.bodyHave += end - start;
    if (this.bodyHave === this.contentLength) this.emitBody();
    return end;
  }

  private emitBody(): void {
    const bytes = this.bodyHave;
    const body = this.bodyChunks.length === 1 ? this.bodyChunks[0]! : Buffer.concat(this.bodyChunks, bytes);
    this.inBody = false;
    this.bodyChunks = [];
    this.headerLength = 0;
    this.lineStart = 0;
    this.contentLength = -1;
    this.state = 'line-start';
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch {
      this.failed = true;
      this.sink.violation('frame body is not JSON', body);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.failed = true;
      this.sink.violation('frame body is not a JSON-RPC message object', body);
      return;
    }
    this.sink.message(message, bytes);
  }

  private fail(problem: string, chunk: Buffer, at: number): number {
    this.failed = true;
    const seen = Buffer.from(this.header.subarray(0, this.headerLength));
    this.sink.violation(problem, Buffer.concat([seen, chunk.subarray(at + 1, at + 1 + QUOTE_AFTER)]));
    return chunk.length;
  }
}
