/**
 * Cgroups of exited generations still being emptied and removed. A crashed plugin's
 * exit is reported (and its replacement started) without waiting for its removal, which
 * is its own cgroup's business; plugd's stop waits for all of them before it removes
 * its instance directory.
 */
export class PendingRemovals {
  private readonly pending = new Set<Promise<unknown>>();

  track(removal: Promise<unknown>): void {
    const settled = removal.catch(() => undefined).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
