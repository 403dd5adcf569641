/** Per plugin: how often it stood in for another, and retries of actions that crashed in it. */
export interface CompositionCount {
  servedAsFallback: number;
  retried: number;
}

/** The fallback and retry counters shown in each plugin's status. */
export class CompositionCounts {
  private readonly counts = new Map<string, CompositionCount>();

  /** The counters of `name`, created at zero on first use. */
  of(name: string): CompositionCount {
    let counts = this.counts.get(name);
    if (!counts) this.counts.set(name, (counts = { servedAsFallback: 0, retried: 0 }));
    return counts;
  }

  get(name: string): Readonly<CompositionCount> | undefined {
    return this.counts.get(name);
  }
}
