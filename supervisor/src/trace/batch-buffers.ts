import { writeThread } from './write-thread.js';

/** A new buffer's size, unless what it must hold is larger. */
const INITIAL_BUFFER = 64 * 1024;
/** A buffer grown past this (a burst of big frames) is not kept for reuse. */
const KEEP_BUFFER = 1024 * 1024;
/** A batch being filled and one on its way is all a file ever needs at once. */
const KEEP_FREE = 2;

/** A batch buffer: memory shared with the write thread once, reused batch after batch. */
export interface Batch {
  readonly id: number;
  readonly bytes: Buffer;
  readonly slots: Float64Array;
}

/**
 * One trace file's batch buffers: handed out to fill, taken back once the write thread
 * is done with them. Up to KEEP_FREE are kept, the largest: with one, a batch written
 * before the next frame came left the batch after it none, and it grew a new shared
 * buffer from INITIAL_BUFFER again (a buffer shared with the thread and a copy per doubling).
 */
export class BatchBuffers {
  /** Free buffers, smallest first. */
  private readonly free: Batch[] = [];
  private closed = false;

  /** A buffer with room for `need` bytes: the largest free one, else a new one at least twice `outgrown`. */
  take(need: number, outgrown?: Batch): Batch {
    const largest = this.free.at(-1);
    if (largest && largest.bytes.length >= need) return this.free.pop()!;
    let size = outgrown ? outgrown.bytes.length * 2 : INITIAL_BUFFER;
    while (size < need) size *= 2;
    const data = new SharedArrayBuffer(size);
    return { id: writeThread.share(data), bytes: Buffer.from(data), slots: new Float64Array(data) };
  }

  /** A buffer no batch uses now: kept for a later one, unless it is a big one or the file is closed. */
  release(batch: Batch): void {
    if (this.closed || batch.bytes.length > KEEP_BUFFER) {
      writeThread.forget(batch.id);
      return;
    }
    this.free.push(batch);
    this.free.sort((a, b) => a.bytes.length - b.bytes.length);
    if (this.free.length > KEEP_FREE) writeThread.forget(this.free.shift()!.id);
  }

  /** The file is closed: the free buffers are let go, and any released later. */
  close(): void {
    this.closed = true;
    for (const batch of this.free.splice(0)) writeThread.forget(batch.id);
  }
}
