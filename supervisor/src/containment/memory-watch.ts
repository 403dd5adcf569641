/**
 * PM2's max_memory_restart as a small pure policy: a plugin whose tree stays above
 * `limitMiB` for `samples` samples in a row is due for a restart (one spike is not).
 */
export class MemoryWatch {
  private above = 0;

  constructor(
    readonly limitMiB: number,
    private readonly samples = 3,
  ) {}

  /** Feeds one sample; true when the restart is due. */
  observe(bytes: number | undefined): boolean {
    if (bytes === undefined || bytes <= this.limitMiB * 1024 * 1024) {
      this.above = 0;
      return false;
    }
    this.above += 1;
    return this.above >= this.samples;
  }

  reset(): void {
    this.above = 0;
  }
}
