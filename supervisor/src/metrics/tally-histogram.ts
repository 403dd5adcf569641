import type { ActionTally } from './action-tally.js';

type Labels = Record<string, string | number>;

/** One sample of the exposition, as prom-client's metrics give them from get(). */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName: string;
}

/**
 * `plugd_action_duration_seconds` read from an ActionTally when scraped, in the shape and
 * order prom-client's Histogram gives (`_bucket` with `le` first, then `+Inf`, `_sum`,
 * `_count`), so the exposition is the same. A Registry reads a metric through get() (and
 * reset()); this is registered there like prom-client's own.
 */
export class TallyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly tally: ActionTally,
  ) {}

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    const { bounds } = this.tally;
    for (const s of this.tally.series()) {
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ labels: { le: bounds[i]!, plugin: s.plugin, type: s.type }, value: cumulative, metricName: bucket });
      }
      values.push({ labels: { le: '+Inf', plugin: s.plugin, type: s.type }, value: s.count, metricName: bucket });
      values.push({ labels: { plugin: s.plugin, type: s.type }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { plugin: s.plugin, type: s.type }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.tally.clear();
  }
}
