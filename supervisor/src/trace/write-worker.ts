import type * as Fs from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type { BatchFormatter } from './batch-lines.js';

/** main thread -> write thread */
export type ToWriter =
  | { readonly op: 'open'; readonly file: number; readonly path: string; readonly maxBytes: number; readonly maxFiles: number }
  /** A batch buffer, shared once: batches then name it by number (no buffer crosses per batch). */
  | { readonly op: 'buffer'; readonly buffer: number; readonly data: SharedArrayBuffer }
  | { readonly op: 'forget'; readonly buffer: number }
  /** The first `length` bytes of a buffer, whole records (batch-records.ts); it is the thread's until `written`. */
  | { readonly op: 'write'; readonly file: number; readonly buffer: number; readonly length: number }
  | { readonly op: 'close'; readonly file: number }
  | { readonly op: 'flush'; readonly token: number };

/** write thread -> main thread */
export type FromWriter =
  | { readonly op: 'written'; readonly file: number; readonly error?: string; readonly code?: string }
  | { readonly op: 'flushed'; readonly token: number };

/**
 * The body of the trace write thread. It runs in a worker from its source text (see
 * write-thread.ts), so it must not reach anything outside itself: `fs`, `port` and the
 * batch formatter (batch-lines.ts) are handed in. A batch's records become JSON lines
 * through the formatter, and writes are synchronous, off the supervisor's event loop:
 * each file appended to and rotated (`x` -> `x.1` -> ...) as the main thread's
 * RotatingFile describes, whole lines only. Messages are handled in order,
 * so `flushed` means every write posted before it is done.
 */
export function runWriteThread(fs: typeof Fs, port: MessagePort, format: BatchFormatter): void {
  const NEWLINE = 10;
  interface Open {
    readonly path: string;
    readonly maxBytes: number;
    readonly maxFiles: number;
    fd: number | undefined;
    size: number;
  }
  const files = new Map<number, Open>();
  const buffers = new Map<number, SharedArrayBuffer>();

  const openFd = (f: Open): number => {
    const slash = f.path.lastIndexOf('/');
    if (slash > 0) fs.mkdirSync(f.path.slice(0, slash), { recursive: true });
    const fd = fs.openSync(f.path, 'a');
    f.fd = fd;
    f.size = fs.fstatSync(fd).size;
    return fd;
  };
  const closeFd = (f: Open): void => {
    if (f.fd !== undefined) {
      try {
        fs.closeSync(f.fd);
      } catch {
        // already gone
      }
    }
    f.fd = undefined;
  };
  const rotate = (f: Open): void => {
    closeFd(f);
    if (f.maxFiles <= 1) fs.rmSync(f.path, { force: true });
    else {
      fs.rmSync(`${f.path}.${f.maxFiles - 1}`, { force: true });
      for (let i = f.maxFiles - 2; i >= 0; i--) {
        try {
          fs.renameSync(i === 0 ? f.path : `${f.path}.${i}`, `${f.path}.${i + 1}`);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
    openFd(f);
  };
  const append = (f: Open, data: Uint8Array, start: number, end: number): void => {
    const fd = f.fd ?? openFd(f);
    while (start < end) {
      const n = fs.writeSync(fd, data, start, end - start);
      start += n;
      f.size += n;
    }
  };
  /** Whole lines, as many as fit in the current file at a time, rotating in between. */
  const write = (f: Open, data: Uint8Array): void => {
    if (f.fd === undefined) openFd(f);
    if (f.size + data.length <= f.maxBytes) return append(f, data, 0, data.length);
    let start = 0;
    while (start < data.length) {
      const room = f.maxBytes - f.size;
      let end = start;
      while (end < data.length) {
        const next = data.indexOf(NEWLINE, end) + 1;
        if (next === 0 || next - start > room) break;
        end = next;
      }
      if (end === start) {
        if (f.size > 0) {
          rotate(f);
          continue;
        }
        // A line longer than maxBytes: alone in a file.
        const next = data.indexOf(NEWLINE, start) + 1;
        end = next === 0 ? data.length : next;
      }
      append(f, data, start, end);
      start = end;
      if (start < data.length) rotate(f);
    }
  };

  port.on('message', (message: ToWriter) => {
    switch (message.op) {
      case 'open':
        files.set(message.file, { path: message.path, maxBytes: message.maxBytes, maxFiles: message.maxFiles, fd: undefined, size: 0 });
        return;
      case 'buffer':
        buffers.set(message.buffer, message.data);
        return;
      case 'forget':
        buffers.delete(message.buffer);
        return;
      case 'write': {
        const f = files.get(message.file);
        const data = buffers.get(message.buffer);
        let failure: NodeJS.ErrnoException | undefined;
        if (!f) failure = new Error('the trace file was closed');
        else if (!data) failure = new Error(`trace batch buffer ${message.buffer} is unknown`);
        else {
          try {
            write(f, format.lines(data, message.length));
            format.trim();
          } catch (error) {
            // This batch is lost; the next one opens the file again.
            closeFd(f);
            failure = error as NodeJS.ErrnoException;
          }
        }
        port.postMessage((failure ? { op: 'written', file: message.file, error: failure.message, ...(failure.code ? { code: failure.code } : {}) } : { op: 'written', file: message.file }) satisfies FromWriter);
        return;
      }
      case 'close': {
        const f = files.get(message.file);
        if (f) closeFd(f);
        files.delete(message.file);
        return;
      }
      case 'flush':
        port.postMessage({ op: 'flushed', token: message.token } satisfies FromWriter);
        return;
    }
  });
}
