/**
 * Coalesces the writes made in one tick into one `write()`: with many requests in flight
 * every answer that arrives in one chunk sends its next request in the same tick, and one
 * syscall (one wake-up of the reader) beats one per message. A lone message waits only
 * for the current tick's microtasks (process.nextTick), not for I/O. The bytes on the
 * wire are the same, in the same order.
 */
export class TickBatch {
  private texts: string[] = [];
  private batch: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly output: NodeJS.WritableStream,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Queues `text`; the promise settles when its batch is handed to the pipe (or failed). */
  write(text: string): Promise<void> {
    this.texts.push(text);
    if (!this.batch) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.batch = { promise, resolve, reject };
      process.nextTick(this.flush);
    }
    return this.batch.promise;
  }

  private readonly flush = (): void => {
    const batch = this.batch!;
    const text = this.texts.length === 1 ? this.texts[0]! : this.texts.join('');
    this.texts = [];
    this.batch = undefined;
    try {
      this.output.write(text, 'utf8', (error?: Error | null) => {
        if (error) {
          this.onError(error);
          batch.reject(error);
        } else batch.resolve();
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.onError(failure);
      batch.reject(failure);
    }
  };
}
