import { writeThread } from './write-thread.js';
import type { WrittenReport } from './write-thread.js';

export interface RotatingFileOptions {
  /** A file is rotated before it would grow past this many bytes. */
  readonly maxBytes: number;
  /** Files kept in all, the live one included: `x`, `x.1`, ... `x.(maxFiles-1)`. */
  readonly maxFiles: number;
  /** Called once per write failure (the writer keeps going, dropping that batch). */
  readonly onError?: (error: Error) => void;
  /**
   * Most bytes queued while the disk is slow (default MAX_QUEUED_BYTES). Lines past it are
   * dropped and counted; a `{"dropped": N, ...}` line marks where, so memory stays bounded.
   */
  readonly maxQueuedBytes?: number;
}

/** Default bound of the lines waiting for a slow disk. */
export const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/**
 * Queued lines wait at most this long (ms) before they are written. A batch costs a
 * message to the write thread whatever its size, so one per interval costs next to
 * nothing at a high frame rate. flush() and close() write at once.
 */
export const BATCH_MS = 10;

const NEWLINE = 10;
const INITIAL_BUFFER = 64 * 1024;
/** A buffer grown past this (a burst of big frames) is not kept for reuse. */
const KEEP_BUFFER = 1024 * 1024;

/**
 * An append-only, size-capped file with rotation (`x` -> `x.1` -> `x.2` ...). Lines are
 * encoded straight into a reused buffer (no joining, no re-encoding, no big allocation per
 * batch); once per BATCH_MS the buffer moves (transferred, not copied) to the trace write
 * thread, which writes and rotates off the event loop and hands the buffer back. One
 * batch is on its way at a time; lines queued meanwhile wait for the next.
 */
export class RotatingFile {
  /** Queued lines, UTF-8, each ending in a newline: `used` bytes of `buffer`. */
  private buffer: Buffer | undefined;
  private used = 0;
  /** A buffer back from the write thread, reused for the next batch. */
  private spare: Buffer | undefined;
  /** This file's number in the write thread, once it was opened there. */
  private file: number | undefined;
  /** The batch on its way: its size, and who waits for it. */
  private sending: { bytes: number; done: Promise<void>; resolve: () => void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Lines dropped since the last batch was taken, because the queue was full. */
  private droppedNow = 0;
  /** Lines dropped in all (for tests and status). */
  dropped = 0;

  constructor(
    readonly path: string,
    private readonly options: RotatingFileOptions,
  ) {}

  /** Queues one line (it must hold no newline; one is added). */
  write(line: string): void {
    const buffer = this.reserve(line.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (buffer) this.commit(this.used + buffer.write(line, this.used, 'utf8'));
  }

  /**
   * Room for one line of at most `most` bytes, for a writer that encodes it in place (no
   * string to build and encode): it writes the line from `buffer[tail]` on, then calls
   * commit(end). Undefined when the line is to be dropped (closed, or the queue is full).
   */
  reserve(most: number): Buffer | undefined {
    if (this.closed) return undefined;
    const queued = this.queuedBytes;
    if (queued + most + 1 > (this.options.maxQueuedBytes ?? MAX_QUEUED_BYTES) && queued > 0) {
      this.droppedNow += 1;
      this.dropped += 1;
      return undefined;
    }
    // The first line kept after some were dropped: the marker goes where they were.
    if (this.droppedNow > 0) this.appendDroppedMarker();
    const need = this.used + most + 1;
    const buffer = this.buffer;
    return buffer && need <= buffer.length ? buffer : this.grow(need);
  }

  /** Where the line reserved last starts. */
  get tail(): number {
    return this.used;
  }

  /** Ends the reserved line at `end` (a newline is added there) and queues it. */
  commit(end: number): void {
    this.buffer![end] = NEWLINE;
    this.used = end + 1;
    // While a batch is on its way, the next one is scheduled when it is written.
    if (!this.timer && !this.sending) this.schedule();
  }

  /** Bytes queued and not yet written (on their way to the write thread included). */
  get queuedBytes(): number {
    return this.used + (this.sending?.bytes ?? 0);
  }

  /** Resolves when every line queued so far is on disk. */
  async flush(): Promise<void> {
    while (this.used > 0 || this.sending || (this.droppedNow > 0 && !this.closed)) {
      this.unschedule();
      await this.send();
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.unschedule();
    this.buffer = this.spare = undefined;
    const file = this.file;
    this.file = undefined;
    if (file !== undefined) await writeThread.close(file);
  }

  private grow(need: number): Buffer {
    const old = this.buffer;
    let size = old ? old.length * 2 : this.spare && this.spare.length >= need ? this.spare.length : INITIAL_BUFFER;
    while (size < need) size *= 2;
    let buffer: Buffer;
    if (!old && this.spare && this.spare.length >= need) {
      buffer = this.spare;
      this.spare = undefined;
    } else {
      // Never from Buffer's shared pool: a batch's memory moves to the write thread.
      buffer = Buffer.from(new ArrayBuffer(size));
      if (old) old.copy(buffer, 0, 0, this.used);
    }
    this.buffer = buffer;
    return buffer;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, BATCH_MS);
  }

  private unschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Hands what is queued now to the write thread (one batch); resolves when it is written. */
  private send(): Promise<void> {
    if (this.sending) return this.sending.done;
    // Lines dropped with none kept since: the marker ends the batch.
    if (this.droppedNow > 0 && !this.closed) this.appendDroppedMarker();
    if (this.used === 0) return Promise.resolve();
    const batch = this.buffer!;
    const bytes = this.used;
    this.buffer = undefined;
    this.used = 0;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.sending = { bytes, done, resolve };
    this.file ??= writeThread.open(this.path, this.options.maxBytes, this.options.maxFiles, (report) => this.written(report));
    writeThread.write(this.file, batch.buffer as ArrayBuffer, bytes);
    return done;
  }

  /** The write thread is done with the batch on its way. */
  private written(report: WrittenReport): void {
    if (report.error) this.options.onError?.(report.error);
    const sending = this.sending;
    if (!sending) return;
    this.sending = undefined;
    if (report.data && !this.closed && report.data.byteLength <= KEEP_BUFFER) this.spare = Buffer.from(report.data);
    if (this.used > 0 && !this.timer && !this.closed) this.schedule();
    sending.resolve();
  }

  private appendDroppedMarker(): void {
    const n = this.droppedNow;
    this.droppedNow = 0;
    const line = JSON.stringify({ time: new Date().toISOString(), dropped: n, message: `${n} lines dropped: writing ${this.path} fell behind` });
    const need = this.used + Buffer.byteLength(line) + 1;
    const target = this.buffer && need <= this.buffer.length ? this.buffer : this.grow(need);
    this.used += target.write(line, this.used, 'utf8');
    target[this.used++] = NEWLINE;
  }
}
