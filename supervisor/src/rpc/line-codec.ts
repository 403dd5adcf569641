import { ProtocolViolation } from './protocol-violation.js';

const LF = 10;

/**
 * Newline-delimited JSON, the stdio framing of the Model Context Protocol: the second
 * codec beside Content-Length. One JSON value per line; a line over `maxFrameBytes`, or
 * one that is not JSON, fails the stream at once (it cannot be resynced safely).
 */
export class LineDecoder {
  private chunks: Buffer[] = [];
  private have = 0;
  private failed = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onMessage: (message: unknown, bytes: number) => void,
    private readonly onError: (error: ProtocolViolation) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    let start = 0;
    for (let nl = chunk.indexOf(LF, start); nl !== -1; nl = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      const line = this.chunks.length === 0 ? piece : Buffer.concat([...this.chunks, piece]);
      this.chunks = [];
      this.have = 0;
      if (!this.deliver(line)) return;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    this.have += rest.length;
    if (this.have > this.maxFrameBytes) {
      this.fail(`a line longer than maxFrameBytes (${this.maxFrameBytes} bytes) with no newline`, Buffer.concat([...this.chunks, rest]));
      return;
    }
    this.chunks.push(rest);
  }

  private deliver(raw: Buffer): boolean {
    const line = raw.length > 0 && raw[raw.length - 1] === 13 ? raw.subarray(0, raw.length - 1) : raw;
    if (line.length === 0) return true; // blank lines carry nothing
    if (line.length > this.maxFrameBytes) {
      this.fail(`a line of ${line.length} bytes, over maxFrameBytes (${this.maxFrameBytes})`, line);
      return false;
    }
    let message: unknown;
    try {
      message = JSON.parse(line.toString('utf8'));
    } catch {
      this.fail('a line that is not JSON (MCP stdio framing is one JSON-RPC message per line)', line);
      return false;
    }
    this.onMessage(message, line.length);
    return !this.failed;
  }

  private fail(problem: string, bytes: Buffer): void {
    this.failed = true;
    this.chunks = [];
    this.onError(new ProtocolViolation(problem, bytes));
  }
}

/** One message as a line; returns the text and its size in bytes (without the newline). */
export function encodeLine(message: unknown): { text: string; bytes: number } {
  const json = JSON.stringify(message);
  return { text: `${json}\n`, bytes: Buffer.byteLength(json, 'utf8') };
}
