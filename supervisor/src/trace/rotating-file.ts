import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

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
 * Queued lines wait at most this long (ms) before they are written. A write costs a trip
 * through the thread pool whatever its size, so writing once per event-loop turn (a few
 * lines each at a high frame rate) cost more than the frames themselves; one write per
 * interval costs next to nothing. flush() and close() write at once.
 */
export const BATCH_MS = 10;

const NEWLINE = 10;
const INITIAL_BUFFER = 64 * 1024;
/** A buffer grown past this (a burst of big frames) is not kept for reuse. */
const KEEP_BUFFER = 1024 * 1024;

/**
 * An append-only, size-capped file with rotation (`x` -> `x.1` -> `x.2` ...). Lines are
 * encoded straight into a reused buffer (no joining, no re-encoding, no big allocation per
 * batch) and written by a single async writer in one batch per BATCH_MS, so a burst of
 * frames costs one write, never a sync write per line.
 */
export class RotatingFile {
  /** Queued lines, UTF-8, each ending in a newline: `used` bytes of `buffer`. */
  private buffer: Buffer | undefined;
  private used = 0;
  /** The buffer of the batch written last, reused for the next one. */
  private spare: Buffer | undefined;
  private handle: FileHandle | undefined;
  private size = 0;
  private writing: Promise<void> | undefined;
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
    const need = this.used + most + 1;
    if (need > (this.options.maxQueuedBytes ?? MAX_QUEUED_BYTES) && this.used > 0) {
      this.droppedNow += 1;
      this.dropped += 1;
      return undefined;
    }
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
    // While a batch is being written, the next one is scheduled when it is done.
    if (!this.timer && !this.writing) this.schedule();
  }

  /** Resolves when every line queued so far is on disk. */
  async flush(): Promise<void> {
    while (this.used > 0 || this.writing) {
      this.unschedule();
      await this.drain();
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.unschedule();
    this.buffer = this.spare = undefined;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
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
      buffer = Buffer.allocUnsafe(size);
      if (old) old.copy(buffer, 0, 0, this.used);
    }
    this.buffer = buffer;
    return buffer;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, BATCH_MS);
  }

  private unschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes what is queued now (one batch); lines queued meanwhile wait for the next one. */
  private drain(): Promise<void> {
    this.writing ??= this.writeBatch().finally(() => {
      this.writing = undefined;
      if (this.used > 0 && !this.timer && !this.closed) this.schedule();
    });
    return this.writing;
  }

  /** Bytes queued and not yet handed to the disk. */
  get queuedBytes(): number {
    return this.used;
  }

  private async writeBatch(): Promise<void> {
    if (!this.buffer || this.used === 0) return;
    // Lines were dropped after the ones queued here: the marker goes right after them.
    if (this.droppedNow > 0) this.appendDroppedMarker();
    const buffer = this.buffer;
    const data = buffer.subarray(0, this.used);
    this.buffer = undefined;
    this.used = 0;
    try {
      await this.writeData(data);
    } catch (error) {
      this.options.onError?.(error as Error);
      const handle = this.handle;
      this.handle = undefined;
      await handle?.close().catch(() => undefined);
    }
    if (!this.closed && buffer.length <= KEEP_BUFFER) this.spare = buffer;
  }

  private appendDroppedMarker(): void {
    const n = this.droppedNow;
    this.droppedNow = 0;
    const line = JSON.stringify({ time: new Date().toISOString(), dropped: n, message: `${n} lines dropped: writing ${this.path} fell behind` });
    const need = this.used + Buffer.byteLength(line) + 1;
    const target = need > this.buffer!.length ? this.grow(need) : this.buffer!;
    this.used += target.write(line, this.used, 'utf8');
    target[this.used++] = NEWLINE;
  }

  /** Writes whole lines, as many as fit in the current file at a time, rotating in between. */
  private async writeData(data: Buffer): Promise<void> {
    if (!this.handle) await this.openFile();
    const { maxBytes } = this.options;
    // The usual case: all of it fits, one write.
    if (this.size + data.length <= maxBytes) return this.append(data);
    let start = 0;
    while (start < data.length) {
      const room = maxBytes - this.size;
      let end = start;
      while (end < data.length) {
        const next = data.indexOf(NEWLINE, end) + 1;
        if (next - start > room) break;
        end = next;
      }
      if (end === start) {
        if (this.size > 0) {
          await this.rotate();
          continue;
        }
        end = data.indexOf(NEWLINE, start) + 1; // a line longer than maxBytes: alone in a file
      }
      await this.append(data.subarray(start, end));
      start = end;
      if (start < data.length) await this.rotate();
    }
  }

  private async append(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle!.write(data, offset, data.length - offset);
      offset += bytesWritten;
      this.size += bytesWritten;
    }
  }

  private async openFile(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.handle = await open(this.path, 'a');
    this.size = (await stat(this.path)).size;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    const { maxFiles } = this.options;
    if (maxFiles <= 1) {
      await rm(this.path, { force: true });
    } else {
      await rm(`${this.path}.${maxFiles - 1}`, { force: true });
      for (let i = maxFiles - 2; i >= 1; i--) await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(ignoreMissing);
      await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
    }
    await this.openFile();
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
