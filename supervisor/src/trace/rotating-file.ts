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
}

/**
 * An append-only, size-capped file with rotation (`x` -> `x.1` -> `x.2` ...). Lines are
 * buffered in memory and written in one batch per event-loop turn by a single async
 * writer, so a burst of frames costs one write, never a sync write per line.
 */
export class RotatingFile {
  private pending: string[] = [];
  private handle: FileHandle | undefined;
  private size = 0;
  private writing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly options: RotatingFileOptions,
  ) {}

  /** Queues one line (a newline is added). */
  write(line: string): void {
    if (this.closed) return;
    const text = `${line}\n`;
    this.pending.push(text);
    if (!this.scheduled && !this.writing) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    }
  }

  /** Resolves when every line queued so far is on disk. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.writing) await this.drain();
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  private drain(): Promise<void> {
    this.writing ??= this.writeAll().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const lines = this.pending;
      this.pending = [];
      try {
        await this.writeLines(lines);
      } catch (error) {
        this.options.onError?.(error as Error);
        const handle = this.handle;
        this.handle = undefined;
        await handle?.close().catch(() => undefined);
      }
    }
  }

  /** Writes lines in batches that each fit in the current file, rotating between batches. */
  private async writeLines(lines: string[]): Promise<void> {
    if (!this.handle) await this.openFile();
    let batch: string[] = [];
    let batchBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.size + batchBytes + bytes > this.options.maxBytes && this.size + batchBytes > 0) {
        if (batch.length > 0) await this.append(batch.join(''), batchBytes);
        batch = [];
        batchBytes = 0;
        await this.rotate();
      }
      batch.push(line);
      batchBytes += bytes;
    }
    if (batch.length > 0) await this.append(batch.join(''), batchBytes);
  }

  private async append(text: string, bytes: number): Promise<void> {
    await this.handle!.write(text);
    this.size += bytes;
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
