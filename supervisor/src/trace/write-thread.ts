import { Worker } from 'node:worker_threads';
import { RECORD } from './batch-records.js';
import type { FromWriter, ToWriter } from './write-worker.js';
import { runWriteThread } from './write-worker.js';
import { batchFormatter } from './batch-lines.js';
import { CHRT_PATHS, lowerThreadPriority } from './idle-priority.js';

/** The batch on its way is done with (its buffer is free again), written or not. */
export interface WrittenReport {
  readonly error?: Error;
}

/**
 * The one thread that writes every trace file of this process. Writing on the
 * supervisor's own thread meant a trip through the libuv pool and a promise per batch,
 * which at a high frame rate kept the heap's young objects alive long enough to be
 * promoted (twice the major collections, docs/performance.md); here the supervisor only
 * names a batch's buffer, shared with the thread once (no buffer is transferred, copied
 * or made per batch: each of those left garbage for V8). Started with the first file,
 * stopped with the last; it keeps the process alive only while a batch is on its way.
 */
class WriteThread {
  private worker: Worker | undefined;
  /** Every open file, to open again in a new thread should the last one die. */
  private readonly opened = new Map<number, { readonly path: string; readonly maxBytes: number; readonly maxFiles: number }>();
  /** Every batch buffer shared with the thread, to share again with a new one. */
  private readonly buffers = new Map<number, SharedArrayBuffer>();
  private nextFile = 1;
  private nextBuffer = 1;
  private nextToken = 1;
  private inFlight = 0;
  private readonly onWritten = new Map<number, (report: WrittenReport) => void>();
  private readonly flushes = new Map<number, () => void>();

  open(path: string, maxBytes: number, maxFiles: number, onWritten: (report: WrittenReport) => void): number {
    const file = this.nextFile++;
    this.opened.set(file, { path, maxBytes, maxFiles });
    this.onWritten.set(file, onWritten);
    this.post({ op: 'open', file, path, maxBytes, maxFiles });
    return file;
  }

  /** Shares a batch buffer with the thread, once; batches then name it by the number returned. */
  share(data: SharedArrayBuffer): number {
    const buffer = this.nextBuffer++;
    this.buffers.set(buffer, data);
    this.post({ op: 'buffer', buffer, data });
    return buffer;
  }

  forget(buffer: number): void {
    if (!this.buffers.delete(buffer) || !this.worker) return;
    this.post({ op: 'forget', buffer });
  }

  /** Hands the first `length` bytes of a shared buffer to the thread: it is the thread's until the report. */
  write(file: number, buffer: number, length: number): void {
    this.inFlight += 1;
    this.post({ op: 'write', file, buffer, length });
  }

  /** Resolves when every write posted so far is done. */
  flush(): Promise<void> {
    if (!this.worker) return Promise.resolve();
    const token = this.nextToken++;
    return new Promise((resolve) => {
      this.flushes.set(token, resolve);
      this.inFlight += 1;
      this.post({ op: 'flush', token });
    });
  }

  /** Closes `file` once its writes are done; the last file stops the thread. */
  async close(file: number): Promise<void> {
    this.opened.delete(file);
    this.post({ op: 'close', file });
    await this.flush();
    this.onWritten.delete(file);
    // Another file's close may still wait for its own flush: the last one out stops the thread.
    if (this.opened.size === 0 && this.flushes.size === 0) await this.stop();
  }

  private post(message: ToWriter): void {
    let worker = this.worker;
    if (!worker) {
      worker = this.worker = this.start();
      // A thread started after one died: the files already open are opened there again, the buffers shared again.
      for (const [file, f] of this.opened) if (message.op !== 'open' || message.file !== file) worker.postMessage({ op: 'open', file, ...f } satisfies ToWriter);
      for (const [buffer, data] of this.buffers) if (message.op !== 'buffer' || message.buffer !== buffer) worker.postMessage({ op: 'buffer', buffer, data } satisfies ToWriter);
    }
    if (this.inFlight > 0) worker.ref();
    worker.postMessage(message);
  }

  private start(): Worker {
    // From source text: the write thread needs no file of its own next to a bundle.
    // import(), not require: eval code is a module when the process runs with --input-type=module.
    // The thread lowers its own priority (idle-priority.ts): it formats and writes with CPU
    // time the event loop leaves idle, and a batch handed over does not hold up the event
    // loop on a busy CPU. Should it fall behind, what waits past maxQueuedBytes is dropped
    // and marked in the file (RotatingFile).
    const source = `Promise.all([import('node:fs'), import('node:worker_threads'), import('node:os'), import('node:child_process')]).then(([fs, { parentPort }, os, childProcess]) => {
      (${lowerThreadPriority.toString()})(fs, os, childProcess, ${JSON.stringify(CHRT_PATHS)});
      (${runWriteThread.toString()})(fs, parentPort, (${batchFormatter.toString()})(${JSON.stringify(RECORD)}));
    });`;
    const worker = new Worker(source, { eval: true, name: 'plugd trace writer', execArgv: [] });
    worker.unref();
    worker.on('message', (message: FromWriter) => this.receive(message));
    let failure: Error | undefined;
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return; // stopped on purpose
      // The thread died (out of memory?): the batches on their way are lost and every file
      // hears it once; the next write starts a new thread, which opens the files again.
      this.worker = undefined;
      this.inFlight = 0;
      const error = failure ?? new Error(`the trace write thread stopped (exit code ${code})`);
      for (const report of this.onWritten.values()) report({ error });
      this.releaseFlushes();
    });
    return worker;
  }

  private receive(message: FromWriter): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) this.worker?.unref();
    if (message.op === 'flushed') {
      const resolve = this.flushes.get(message.token);
      this.flushes.delete(message.token);
      resolve?.();
      return;
    }
    const error = message.error === undefined ? undefined : Object.assign(new Error(message.error), message.code ? { code: message.code } : {});
    this.onWritten.get(message.file)?.(error ? { error } : {});
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.inFlight = 0;
    this.releaseFlushes();
    await worker?.terminate();
  }

  /** Nothing may wait on a thread that is gone. */
  private releaseFlushes(): void {
    for (const resolve of this.flushes.values()) resolve();
    this.flushes.clear();
  }
}

/** The process's write thread (one for all trace files). */
export const writeThread = new WriteThread();
