/**
 * Runs async tasks one at a time, in arrival order; a task that fails does not stop the
 * ones after it (its own promise still rejects).
 *
 * Through plugd a plugin never gets more than its declared `concurrency` of `run`
 * requests at once (the supervisor holds the rest until an answer is sent), so a plugin
 * with `concurrency: 1` does not need this for plugd's sake. It is for handlers that share
 * one stateful resource (a shell session, an interpreter) and must stay correct when
 * something speaks the protocol directly and sends requests concurrently, which the SDK
 * itself does not limit.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled; resolves or rejects as `task` does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
