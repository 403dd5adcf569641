import { encodeFrame } from './framing.js';
import type { WireFraming } from './messages.js';
import { TickWriter } from './tick-writer.js';

/**
 * Above this many characters a message is encoded to a Buffer at once (see TickWriter);
 * below it, a string is cheaper to build, measure and join.
 */
const LARGE_CHARS = 64 * 1024;

/**
 * One message serialized for the wire: its JSON (text, or already UTF-8) and its size in
 * bytes, measured only when asked (newline-delimited JSON needs no size unless a frame
 * limit or a tracer asks for it).
 */
export class EncodedMessage {
  constructor(
    readonly json: string | Buffer,
    private size = -1,
    /** The message it was serialized from (a tracer told of the frame later reads it here). */
    readonly message?: object,
  ) {}

  get bytes(): number {
    if (this.size < 0) this.size = Buffer.byteLength(this.json as string, 'utf8');
    return this.size;
  }

  /** Whether `bytes` is known without measuring. */
  get sized(): boolean {
    return this.size >= 0;
  }

  /** Its JSON is known to be ASCII: a byte a character. */
  ascii(): void {
    this.size = this.json.length;
  }

  /** Whether the message is over `limit` bytes (measured only when its length leaves a doubt). */
  over(limit: number): boolean {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    return this.json.length * 3 > limit && this.bytes > limit;
  }
}

/** Serializes `message` once. */
export function encodeMessage(message: object): EncodedMessage {
  const json = JSON.stringify(message);
  if (json.length < LARGE_CHARS) return new EncodedMessage(json, -1, message);
  const buffer = Buffer.from(json, 'utf8');
  return new EncodedMessage(buffer, buffer.length, message);
}

/**
 * Writes messages in the stream's current framing, coalesced per tick (TickWriter).
 * `framing` changes at a message boundary: what was queued before keeps its framing.
 */
export class WireWriter {
  private readonly batch: TickWriter;
  /** Messages of the batch being filled whose size someone waits for, and who (two arrays: no object a frame). */
  private sizing: EncodedMessage[] = [];
  private sizedThen: ((message: EncodedMessage) => void)[] = [];

  constructor(
    output: NodeJS.WritableStream,
    onError: (error: Error) => void,
    public framing: WireFraming = 'content-length',
  ) {
    this.batch = new TickWriter(output, onError, (text) => this.batchLeft(text));
  }

  /**
   * Queues one encoded message; `done` once it is handed to the pipe (or the write failed).
   * `sized` (a tracer) is called once the message's `bytes` can be read at no cost: at
   * once when they are known, else when its batch leaves. Measuring a message alone
   * makes V8 flatten the rope JSON.stringify returns (a copy and an allocation a frame);
   * a batch joined from several frames is one flat string, and when its UTF-8 size is its
   * length every frame in it is ASCII, a byte a character.
   */
  send(message: EncodedMessage, done?: () => void, sized?: (message: EncodedMessage) => void): void {
    if (sized) {
      if (message.sized || this.framing !== 'ndjson') sized(message);
      else {
        this.sizing.push(message);
        this.sizedThen.push(sized);
      }
    }
    const json = message.json;
    if (this.framing === 'ndjson') {
      if (typeof json === 'string') this.batch.write(`${json}\n`, done);
      else {
        this.batch.write(json, undefined, true);
        this.batch.write('\n', done);
      }
    } else if (typeof json === 'string') this.batch.write(encodeFrame(json, message.bytes), done);
    else {
      this.batch.write(`Content-Length: ${message.bytes}\r\n\r\n`, undefined, true);
      this.batch.write(json, done);
    }
  }

  /** Hands what is queued to the pipe now (before the process exits). */
  flush(): void {
    this.batch.flush();
  }

  private batchLeft(text: string | undefined): void {
    const sizing = this.sizing;
    if (sizing.length === 0) return;
    const thens = this.sizedThen;
    this.sizing = [];
    this.sizedThen = [];
    const ascii = text !== undefined && Buffer.byteLength(text, 'utf8') === text.length;
    for (let i = 0; i < sizing.length; i++) {
      const message = sizing[i]!;
      if (ascii) message.ascii();
      try {
        thens[i]!(message);
      } catch {
        // A tracer's failure must not stop the frames after it.
      }
    }
  }
}
