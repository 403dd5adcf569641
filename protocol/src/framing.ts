import { MAX_HEADER_BYTES } from './limits.js';
import type { LineDecoder } from './line-framing.js';

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
const BRACE = 123;
/** The canonical header every known writer uses (this one, vscode-jsonrpc's, the Python SDK's). */
const CANONICAL = Buffer.from('Content-Length: ', 'ascii');
const CANONICAL_LENGTH = CANONICAL.length;
/** More digits than any frame under 2^53 bytes: such a header takes the strict path. */
const MAX_DIGITS = 15;
/** RFC 7230 token characters, as a byte lookup table (a regex per byte costs microseconds a frame). */
const TOKEN = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+.^_`|~-") TOKEN[c.charCodeAt(0)] = 1;
/** How many bytes after a broken boundary a violation quotes. */
const QUOTE_AFTER = 160;

type HeaderState = 'line-start' | 'name' | 'value' | 'cr' | 'end-cr';

/**
 * When the rest of the stream goes to a LineDecoder (newline-delimited JSON, negotiated):
 * `next-frame` from the next frame boundary on (the plugin, at the `initialized` frame),
 * `first-line` from the first frame boundary whose first byte is `{` (the supervisor:
 * frames the plugin wrote before it read `initialized` are still Content-Length).
 */
export type HandOver = 'next-frame' | 'first-line';

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
  private lines: LineDecoder | undefined;
  private handOverAt: HandOver = 'next-frame';
  private handedOver = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly sink: FrameSink,
  ) {}

  get broken(): boolean {
    return this.failed || (this.handedOver && this.lines!.broken);
  }

  /** True once the stream has gone over to newline-delimited JSON. */
  get onLines(): boolean {
    return this.handedOver;
  }

  /**
   * Hands the rest of the stream to `lines` (see HandOver). May be called from the
   * `message` callback: the frame being delivered is the last one read here.
   */
  handOver(lines: LineDecoder, at: HandOver): void {
    this.lines = lines;
    this.handOverAt = at;
  }

  push(chunk: Buffer): void {
    if (this.handedOver) {
      this.lines!.push(chunk);
      return;
    }
    let offset = 0;
    while (offset < chunk.length && !this.failed) {
      if (this.inBody) offset = this.readBody(chunk, offset);
      else if (this.headerLength > 0) offset = this.readHeader(chunk, offset);
      else if (this.lines && (this.handOverAt === 'next-frame' || chunk[offset] === BRACE)) {
        this.handedOver = true;
        this.lines.push(offset === 0 ? chunk : chunk.subarray(offset));
        return;
      } else offset = this.readCanonical(chunk, offset);
    }
  }

  /**
   * The common case in one step: a whole `Content-Length: N\r\n\r\n` header in this
   * chunk, and its body too when it fits (decoded straight from the chunk, no copy).
   * Anything else (other headers, a header split across chunks, errors) takes the
   * byte-by-byte path, which has every strictness check and its message.
   */
  private readCanonical(chunk: Buffer, start: number): number {
    if (chunk.length - start < CANONICAL_LENGTH + 5 || chunk.compare(CANONICAL, 0, CANONICAL_LENGTH, start, start + CANONICAL_LENGTH) !== 0) {
      return this.readHeader(chunk, start);
    }
    let i = start + CANONICAL_LENGTH;
    let length = 0;
    const digitsEnd = Math.min(chunk.length, i + MAX_DIGITS);
    for (; i < digitsEnd; i++) {
      const digit = chunk[i]! - 48;
      if (digit < 0 || digit > 9) break;
      length = length * 10 + digit;
    }
    if (i === start + CANONICAL_LENGTH || i + 4 > chunk.length || length > this.maxFrameBytes) return this.readHeader(chunk, start);
    if (chunk[i] !== CR || chunk[i + 1] !== LF || chunk[i + 2] !== CR || chunk[i + 3] !== LF) return this.readHeader(chunk, start);
    const bodyStart = i + 4;
    const bodyEnd = bodyStart + length;
    if (bodyEnd <= chunk.length) {
      this.parse(chunk, bodyStart, bodyEnd);
      return bodyEnd;
    }
    this.contentLength = length;
    this.inBody = true;
    this.bodyChunks = [];
    this.bodyHave = 0;
    return bodyStart;
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
          else return this.fail(this.expected(), chunk, i);
          break;
        case 'name':
          if (byte === COLON) this.state = 'value';
          else if (TOKEN[byte] !== 1) return this.fail(this.expected(), chunk, i);
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
    this.parse(body, 0, bytes);
  }

  /** Delivers the frame body in bytes [start, end) of `buffer`; the decoder is at a frame boundary again. */
  private parse(buffer: Buffer, start: number, end: number): void {
    this.headerLength = 0;
    this.lineStart = 0;
    this.contentLength = -1;
    this.state = 'line-start';
    let message: unknown;
    try {
      message = JSON.parse(buffer.toString('utf8', start, end));
    } catch {
      this.failed = true;
      this.sink.violation('frame body is not JSON', buffer.subarray(start, end));
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.failed = true;
      this.sink.violation('frame body is not a JSON-RPC message object', buffer.subarray(start, end));
      return;
    }
    this.sink.message(message, end - start);
  }

  private expected(): string {
    return this.lines && this.handOverAt === 'first-line'
      ? 'expected a "Name: value" header line or a JSON object line (newline-delimited JSON, negotiated) at a frame boundary'
      : 'expected a "Name: value" header line at a frame boundary';
  }

  private fail(problem: string, chunk: Buffer, at: number): number {
    this.failed = true;
    const seen = Buffer.from(this.header.subarray(0, this.headerLength));
    this.sink.violation(problem, Buffer.concat([seen, chunk.subarray(at + 1, at + 1 + QUOTE_AFTER)]));
    return chunk.length;
  }
}
