import { encodeFrame } from './framing.js';
import type { WireFraming } from './messages.js';
import { TickWriter } from './tick-writer.js';

/**
 * Above this many characters a message is encoded to a Buffer at once (see TickWriter);
 * below it, a string is cheaper to build, measure and join.
 */
const LARGE_CHARS = 64 * 1024;

/** One message serialized for the wire: its JSON (text, or already UTF-8) and size in bytes. */
export interface EncodedMessage {
  readonly bytes: number;
  readonly json: string | Buffer;
}

/** Serializes `message` once; `bytes` is what a frame limit is checked against. */
export function encodeMessage(message: object): EncodedMessage {
  const json = JSON.stringify(message);
  if (json.length < LARGE_CHARS) return { json, bytes: Buffer.byteLength(json, 'utf8') };
  const buffer = Buffer.from(json, 'utf8');
  return { json: buffer, bytes: buffer.length };
}

/**
 * Writes messages in the stream's current framing, coalesced per tick (TickWriter).
 * `framing` changes at a message boundary: what was queued before keeps its framing.
 */
export class WireWriter {
  framing: WireFraming = 'content-length';
  private readonly batch: TickWriter;

  constructor(output: NodeJS.WritableStream, onError: (error: Error) => void) {
    this.batch = new TickWriter(output, onError);
  }

  /** Queues one encoded message; `done` once it is handed to the pipe (or the write failed). */
  send(message: EncodedMessage, done?: () => void): void {
    const { json, bytes } = message;
    if (this.framing === 'ndjson') {
      if (typeof json === 'string') this.batch.write(`${json}\n`, done);
      else {
        this.batch.write(json, undefined, true);
        this.batch.write('\n', done);
      }
    } else if (typeof json === 'string') this.batch.write(encodeFrame(json, bytes), done);
    else {
      this.batch.write(`Content-Length: ${bytes}\r\n\r\n`, undefined, true);
      this.batch.write(json, done);
    }
  }

  /** Hands what is queued to the pipe now (before the process exits). */
  flush(): void {
    this.batch.flush();
  }
}
