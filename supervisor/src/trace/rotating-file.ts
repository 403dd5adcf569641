import { RECORD, pad8 } from './batch-records.js';
import type { BatchText } from './batch-records.js';
import { BatchBuffers } from './batch-buffers.js';
import type { Batch } from './batch-buffers.js';
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

let nextBatch = 0;

/**
 * An append-only, size-capped file with rotation (`x` -> `x.1` -> `x.2` ...). Lines and
 * frame records (batch-records.ts) go straight into a buffer shared with the trace
 * write thread (batch-buffers.ts: no joining, no allocation per batch); once per BATCH_MS the thread
 * is told to take the full one: it formats the frames, writes and rotates off the event
 * loop, and says when it is done. One batch is on its way at a time; what is queued
 * meanwhile waits for the next, in the other buffer.
 */
export class RotatingFile {
  /** Queued records: the first `used` bytes of `current` (a multiple of 8). */
  private current: Batch | undefined;
  private used = 0;
  /** This batch's number (unique across files: a text defined for one file is not for another) and the texts defined in it so far. */
  private batch = nextBatch++;
  private defined = 0;
  private readonly buffers = new BatchBuffers();
  /** This file's number in the write thread, once it was opened there. */
  private file: number | undefined;
  /** The batch on its way: its size, and who waits for it. */
  private sending: { batch: Batch; bytes: number; done: Promise<void>; resolve: () => void } | undefined;
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
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const batch = this.reserve(RECORD.TEXT_HEADER + pad8(line.length * 3));
    if (batch) this.text(batch, line);
  }

  /**
   * Queues the usual frame's line as numbers; the write thread formats it. `source` and
   * `fragment` are the line's repeating texts, `id` NaN for none, `micros` the duration in
   * microseconds (NaN for none): see batch-records.ts.
   */
  frame(source: BatchText, fragment: BatchText, now: number, id: number, micros: number, bytes: number): void {
    if (source.batch !== this.batch && !this.define(source)) return;
    if (fragment.batch !== this.batch && !this.define(fragment)) return;
    const batch = this.reserve(RECORD.FRAME_BYTES);
    if (!batch) return;
    const slots = batch.slots;
    const i = this.used >> 3;
    slots[i] = RECORD.FRAME;
    slots[i + 1] = source.index;
    slots[i + 2] = fragment.index;
    slots[i + 3] = now;
    slots[i + 4] = id;
    slots[i + 5] = micros;
    slots[i + 6] = bytes;
    this.commit(this.used + RECORD.FRAME_BYTES);
  }

  /** Room for `most` more bytes of records; undefined when the record is to be dropped (closed, or the queue is full). */
  private reserve(most: number): Batch | undefined {
    if (this.closed) return undefined;
    const queued = this.queuedBytes;
    if (queued + most > (this.options.maxQueuedBytes ?? MAX_QUEUED_BYTES) && queued > 0) {
      this.droppedNow += 1;
      this.dropped += 1;
      return undefined;
    }
    // The first line kept after some were dropped: the marker goes where they were.
    if (this.droppedNow > 0) this.appendDroppedMarker();
    return this.room(this.used + most);
  }

  private define(text: BatchText): boolean {
    const batch = this.reserve(RECORD.DEFINE_HEADER + pad8(text.bytes.length));
    if (!batch) return false;
    text.batch = this.batch;
    text.index = this.defined++;
    const at = this.used;
    const slots = batch.slots;
    slots[at >> 3] = RECORD.DEFINE;
    slots[(at >> 3) + 1] = text.index;
    slots[(at >> 3) + 2] = text.bytes.length;
    text.bytes.copy(batch.bytes, at + RECORD.DEFINE_HEADER);
    this.commit(at + RECORD.DEFINE_HEADER + pad8(text.bytes.length));
    return true;
  }

  /** A TEXT record of `line` at the end of `batch`, which has room for it. */
  private text(batch: Batch, line: string): void {
    const at = this.used;
    const n = batch.bytes.write(line, at + RECORD.TEXT_HEADER, 'utf8');
    const slots = batch.slots;
    slots[at >> 3] = RECORD.TEXT;
    slots[(at >> 3) + 1] = n;
    this.commit(at + RECORD.TEXT_HEADER + pad8(n));
  }

  private commit(end: number): void {
    this.used = end;
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
    if (this.current) writeThread.forget(this.current.id);
    this.current = undefined;
    this.buffers.close();
    const file = this.file;
    this.file = undefined;
    if (file !== undefined) await writeThread.close(file);
  }

  /** The buffer to fill from now on, with room for `need` bytes: the current one, or another (what is queued moves along). */
  private room(need: number): Batch {
    const old = this.current;
    if (old && need <= old.bytes.length) return old;
    const next = this.buffers.take(need, old);
    if (old) {
      old.bytes.copy(next.bytes, 0, 0, this.used);
      this.buffers.release(old);
    }
    this.current = next;
    return next;
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
    const batch = this.current!;
    const bytes = this.used;
    this.current = undefined;
    this.used = 0;
    this.batch = nextBatch++;
    this.defined = 0;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.sending = { batch, bytes, done, resolve };
    this.file ??= writeThread.open(this.path, this.options.maxBytes, this.options.maxFiles, (report) => this.written(report));
    writeThread.write(this.file, batch.id, bytes);
    return done;
  }

  /** The write thread is done with the batch on its way. */
  private written(report: WrittenReport): void {
    if (report.error) this.options.onError?.(report.error);
    const sending = this.sending;
    if (!sending) return;
    this.sending = undefined;
    // On a thread that died, the buffer is free all the same (a new thread is given it again).
    this.buffers.release(sending.batch);
    if (this.used > 0 && !this.timer && !this.closed) this.schedule();
    sending.resolve();
  }

  private appendDroppedMarker(): void {
    const n = this.droppedNow;
    this.droppedNow = 0;
    const line = JSON.stringify({ time: new Date().toISOString(), dropped: n, message: `${n} lines dropped: writing ${this.path} fell behind` });
    const need = this.used + RECORD.TEXT_HEADER + pad8(Buffer.byteLength(line));
    this.text(this.room(need), line);
  }
}
