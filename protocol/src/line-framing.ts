/**
 * Newline-delimited JSON: one JSON value per line. The stdio framing of the Model Context
 * Protocol, and the framing plugd's own protocol switches to after the handshake when the
 * plugin offers it (`framing` in the initialize result): no header to build or parse, so
 * less work per message than Content-Length. Pure: no streams, no I/O.
 */

const LF = 10;
const CR = 13;
const BRACE = 123;

/** What a LineDecoder hands on: each message, and the first broken line. */
export interface LineSink {
  /** One decoded line: its JSON value and its size in bytes (without the line end). */
  message(message: unknown, bytes: number): void;
  /** The stream is broken and cannot be resynced; `seen` quotes the bytes. */
  violation(problem: string, seen: Buffer): void;
}

export interface LineDecoderOptions {
  /**
   * Every line must be one JSON object (`{...}`): plugd's protocol. Otherwise any JSON
   * value is handed on (MCP checks the message itself) and blank lines are skipped.
   */
  readonly objectsOnly?: boolean;
  /** Appended to a "not JSON" problem: what the other end should have written. */
  readonly hint?: string;
}

/**
 * Decodes lines as bytes arrive. A line over `maxFrameBytes` fails before its newline
 * arrives (no unbounded buffering); a line that is not JSON fails the stream at once.
 * Every complete line of a chunk is read in one pass (one indexOf per line).
 */
export class LineDecoder {
  private chunks: Buffer[] = [];
  private have = 0;
  private failed = false;
  private readonly objectsOnly: boolean;
  private readonly hint: string;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly sink: LineSink,
    options: LineDecoderOptions = {},
  ) {
    this.objectsOnly = options.objectsOnly ?? false;
    this.hint = options.hint ? ` (${options.hint})` : '';
  }

  get broken(): boolean {
    return this.failed;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    let start = 0;
    for (let nl = chunk.indexOf(LF, start); nl !== -1; nl = chunk.indexOf(LF, start)) {
      const ok = this.chunks.length === 0 ? this.deliver(chunk, start, nl) : this.deliverJoined(chunk.subarray(start, nl));
      start = nl + 1;
      if (!ok) return;
    }
    if (start === chunk.length) return;
    const rest = chunk.subarray(start);
    this.have += rest.length;
    if (this.have > this.maxFrameBytes) {
      this.fail(`a line longer than maxFrameBytes (${this.maxFrameBytes} bytes) with no newline`, Buffer.concat([...this.chunks, rest]));
      return;
    }
    this.chunks.push(rest);
  }

  private deliverJoined(piece: Buffer): boolean {
    const line = Buffer.concat([...this.chunks, piece], this.have + piece.length);
    this.chunks = [];
    this.have = 0;
    return this.deliver(line, 0, line.length);
  }

  /** Decodes bytes [start, end) of `buffer` (a line without its \n). */
  private deliver(buffer: Buffer, start: number, end: number): boolean {
    if (end > start && buffer[end - 1] === CR) end--;
    const bytes = end - start;
    if (bytes === 0 && !this.objectsOnly) return true; // blank lines carry nothing
    if (bytes > this.maxFrameBytes) {
      this.fail(`a line of ${bytes} bytes, over maxFrameBytes (${this.maxFrameBytes})`, buffer.subarray(start, end));
      return false;
    }
    if (this.objectsOnly && buffer[start] !== BRACE) {
      this.fail(`expected a JSON object line at a frame boundary${this.hint}`, buffer.subarray(start, end + 1));
      return false;
    }
    let message: unknown;
    try {
      message = JSON.parse(buffer.toString('utf8', start, end));
    } catch {
      this.fail(`a line that is not JSON${this.hint}`, buffer.subarray(start, end));
      return false;
    }
    if (this.objectsOnly && (typeof message !== 'object' || message === null || Array.isArray(message))) {
      this.fail(`a line that is not a JSON-RPC message object${this.hint}`, buffer.subarray(start, end));
      return false;
    }
    this.sink.message(message, bytes);
    return !this.failed;
  }

  private fail(problem: string, bytes: Buffer): void {
    this.failed = true;
    this.chunks = [];
    this.sink.violation(problem, bytes);
  }
}
