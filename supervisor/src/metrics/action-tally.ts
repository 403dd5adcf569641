/** One (plugin, action type) series: answers by outcome, and durations by latency bucket. */
export interface ActionSeries {
  readonly plugin: string;
  readonly type: string;
  /** Answers by outcome label. */
  readonly outcomes: Map<string, number>;
  /** Durations per bucket (not cumulative): `counts[i]` fell in (bounds[i-1], bounds[i]]. */
  readonly counts: number[];
  count: number;
  sum: number;
}

/**
 * The numbers behind the per-action metrics (`plugd_actions_total`, the latency
 * histogram), kept as plain counts on the action's path: two Map lookups and a few
 * increments. The Prometheus metrics read them when scraped. prom-client's own update
 * built and hashed label objects for every action (~9% of plugd's CPU per call_tool_mcp).
 */
export class ActionTally {
  private readonly byPlugin = new Map<string, Map<string, ActionSeries>>();

  /** `bounds`: the histogram's bucket upper bounds in seconds, ascending. */
  constructor(readonly bounds: readonly number[]) {}

  record(plugin: string, type: string, outcome: string, seconds: number): void {
    let byType = this.byPlugin.get(plugin);
    if (!byType) this.byPlugin.set(plugin, (byType = new Map()));
    let series = byType.get(type);
    if (!series) byType.set(type, (series = { plugin, type, outcomes: new Map(), counts: this.bounds.map(() => 0), count: 0, sum: 0 }));
    series.outcomes.set(outcome, (series.outcomes.get(outcome) ?? 0) + 1);
    series.count += 1;
    series.sum += seconds;
    // Above the last bound it counts only in +Inf (count), as in prom-client.
    const { bounds } = this;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= bounds[i]!) {
        series.counts[i]! += 1;
        break;
      }
    }
  }

  *series(): IterableIterator<ActionSeries> {
    for (const byType of this.byPlugin.values()) yield* byType.values();
  }

  clear(): void {
    this.byPlugin.clear();
  }
}
