/**
 * Reloads that coalesce: one runs at a time; a request while one runs makes it run
 * once more after (several requests, one more run), until `goOn` says stop.
 */
export class ReloadLoop {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly once: () => Promise<void>,
    private readonly goOn: () => boolean,
  ) {}

  /** A reload is under way. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.once();
      } while (this.again && this.goOn());
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}
