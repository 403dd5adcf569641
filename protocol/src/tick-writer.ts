import { nextTick } from 'node:process';

/**
 * Up to this many frames of one tick leave in one write. Measured (docs/performance.md):
 * a whole tick's frames in one write made the two ends of a split placement take turns
 * (the reader idle while the writer worked through a chunk of 64 requests, then the
 * other way round), 25% fewer actions/s than one write per frame; batches of 8 keep
 * both CPUs busy and still save most of the syscalls.
 */
const MAX_BATCH_FRAMES = 8;

/**
 * Coalesces the frames written in one tick into few `write()`s: with many requests in
 * flight every answer that arrives in one chunk leads to a write in the same tick, and
 * one syscall (one wake-up of the reader) beats one per frame. A batch leaves when it
 * holds MAX_BATCH_FRAMES frames or when the tick's microtasks are done
 * (process.nextTick); a lone frame waits for nothing else. The bytes on the wire are the
 * same, in the same order. Both ends use it (supervisor and SDK).
 *
 * A large frame is queued as a Buffer its writer encoded once (its length is the frame
 * size, so no separate Buffer.byteLength pass): writing a long string instead makes
 * Node size it, allocate for the worst case and encode it again. A batch with Buffers
 * goes out corked, as one writev.
 */
export class TickWriter {
  private pieces: (string | Buffer)[] = [];
  private callbacks: (() => void)[] = [];
  private hasBuffer = false;
  private frames = 0;
  private scheduled = false;

  /**
   * `onFlush` hears of every batch as it leaves: `text` is the batch as one flat string
   * when it was joined from several frames (no Buffer among them), else undefined.
   */
  constructor(
    private readonly output: NodeJS.WritableStream,
    private readonly onError: (error: Error) => void,
    private readonly onFlush?: (text: string | undefined) => void,
  ) {}

  /**
   * Queues `piece`; `done` is called once its batch is handed to the pipe (or the write
   * failed: reported via onError). `more`: the next piece belongs to the same frame.
   */
  write(piece: string | Buffer, done?: () => void, more = false): void {
    this.pieces.push(piece);
    if (typeof piece !== 'string') this.hasBuffer = true;
    if (done) this.callbacks.push(done);
    if (more) return;
    if (++this.frames >= MAX_BATCH_FRAMES) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      nextTick(this.flush);
    }
  }

  /** Writes what is queued now (before the process exits, say). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pieces.length === 0) return;
    const { pieces, callbacks, hasBuffer } = this;
    this.pieces = [];
    this.callbacks = [];
    this.hasBuffer = false;
    this.frames = 0;
    const written = (error?: Error | null): void => {
      if (error) this.onError(error);
      for (const done of callbacks) done();
    };
    let joined: string | undefined;
    try {
      if (hasBuffer) this.writeMixed(pieces, written);
      else {
        if (pieces.length > 1) joined = (pieces as string[]).join('');
        this.output.write(joined ?? (pieces[0] as string), 'utf8', written);
      }
    } catch (error) {
      written(error instanceof Error ? error : new Error(String(error)));
    }
    this.onFlush?.(joined);
  };

  private writeMixed(pieces: (string | Buffer)[], written: (error?: Error | null) => void): void {
    const out = this.output as NodeJS.WritableStream & { cork?: () => void; uncork?: () => void };
    out.cork?.();
    let text = '';
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      const last = i === pieces.length - 1;
      if (typeof piece === 'string') {
        text += piece;
        if (last) out.write(text, 'utf8', written);
        continue;
      }
      if (text) out.write(text, 'utf8');
      text = '';
      if (last) out.write(piece, written);
      else out.write(piece);
    }
    out.uncork?.();
  }
}
