import { RotatingFile } from './rotating-file.js';
import type { RotatingFileOptions } from './rotating-file.js';

/**
 * One RotatingFile per path, shared by every plugin tracing to it (a top-level
 * `trace.file`) and reference-counted: two writers of one path would rotate it from
 * under each other and lose lines. The first user's limits apply to the file.
 */
export class SharedFiles {
  private readonly files = new Map<string, { file: RotatingFile; refs: number }>();

  acquire(path: string, options: RotatingFileOptions): RotatingFile {
    let entry = this.files.get(path);
    if (!entry) this.files.set(path, (entry = { file: new RotatingFile(path, options), refs: 0 }));
    entry.refs += 1;
    return entry.file;
  }

  /** One user is done with `path`; the last one closes the file (its lines flushed first). */
  async release(path: string): Promise<void> {
    const entry = this.files.get(path);
    if (!entry) return;
    entry.refs -= 1;
    if (entry.refs > 0) return;
    this.files.delete(path);
    await entry.file.close();
  }

  /** Resolves when every line queued so far, in every file, is written. */
  async flush(): Promise<void> {
    await Promise.all([...this.files.values()].map((e) => e.file.flush()));
  }

  get size(): number {
    return this.files.size;
  }
}
