import type { EventEmitter } from 'node:events';
import type { SupervisorEvents } from '../events.js';
import type { PluginStatus } from '../plugin/plugin-status.js';
import type { PromMetrics } from './prom-metrics.js';
import { ActionTally } from './action-tally.js';
import { LATENCY_BUCKETS } from './latency-buckets.js';
import { outcomeLabel } from './outcome-label.js';

export { LATENCY_BUCKETS } from './latency-buckets.js';

/** The Prometheus text format's content type (prom-client's Registry.contentType). */
const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Updates kept until prom-client is loaded. Past this many (actions nobody scraped yet)
 * it is loaded anyway, so the backlog stays small.
 */
export const MAX_PENDING_UPDATES = 1024;

type Update = (metrics: PromMetrics) => void;

/**
 * Prometheus metrics of one Supervisor, fed by its events. prom-client (several MiB of
 * memory, ~100 ms to load) is loaded with the first scrape, or once MAX_PENDING_UPDATES
 * updates are waiting: until then each update is kept as it came and then replayed in
 * order, so /metrics shows exactly what it would have shown had prom-client been there
 * from the start (plugd at rest, docs/performance.md).
 */
export class SupervisorMetrics {
  /** plugd_actions_total and plugd_action_duration_seconds: one update per action, kept cheap and never queued. */
  private readonly actions = new ActionTally(LATENCY_BUCKETS);
  private prom: PromMetrics | undefined;
  private pending: Update[] = [];
  private loading: Promise<PromMetrics> | undefined;

  constructor(source: EventEmitter<SupervisorEvents>, private readonly plugins: () => readonly PluginStatus[]) {
    const names = plugins().map((p) => p.name);
    this.update((m) => m.zeroPlugins(names));
    source.on('action', (e) => this.actions.record(e.plugin, e.type, outcomeLabel(e.outcome), e.durationMs / 1000));
    source.on('fallback', (e) => this.update((m) => m.fallback(e)));
    source.on('retry', (e) => this.update((m) => m.retry(e)));
    source.on('call', (e) => this.update((m) => m.call(e)));
    source.on('restart', (e) => this.update((m) => m.restart(e.plugin)));
    source.on('reload', (e) => this.update((m) => m.reload(e.plugin, 'ok')));
    source.on('reload_failed', (e) => this.update((m) => m.reload(e.plugin, 'failed')));
    source.on('exit', (e) => this.update((m) => m.exit(e)));
  }

  /** Whether prom-client has been loaded (by a scrape or a full backlog). */
  get loaded(): boolean {
    return this.prom !== undefined;
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    return (await this.load()).text();
  }

  get contentType(): string {
    return this.prom?.contentType ?? TEXT_FORMAT;
  }

  private update(update: Update): void {
    if (this.prom) return update(this.prom);
    this.pending.push(update);
    if (this.pending.length >= MAX_PENDING_UPDATES) this.load().catch(() => undefined);
  }

  private load(): Promise<PromMetrics> {
    this.loading ??= import('./prom-metrics.js').then(
      ({ PromMetrics }) => {
        const prom = new PromMetrics(this.plugins, this.actions);
        for (const update of this.pending) update(prom);
        this.pending = [];
        this.prom = prom;
        return prom;
      },
      (error: unknown) => {
        this.loading = undefined; // the next scrape tries again
        throw error;
      },
    );
    return this.loading;
  }
}
