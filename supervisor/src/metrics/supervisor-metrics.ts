import { Counter, Gauge, Registry } from 'prom-client';
import type { Metric } from 'prom-client';
import type { EventEmitter } from 'node:events';
import type { SupervisorEvents } from '../events.js';
import type { PluginStatus } from '../plugin/plugin-status.js';
import { ActionTally } from './action-tally.js';
import { outcomeLabel } from './outcome-label.js';
import { TallyHistogram } from './tally-histogram.js';

/** Latency buckets in seconds: 1 ms .. 2 min. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * Prometheus metrics of one Supervisor, in its own Registry (never prom-client's global
 * one, so two supervisors in one process do not mix). Fed by the supervisor's events.
 */
export class SupervisorMetrics {
  readonly registry = new Registry();
  /** Per-action numbers, counted on the action's path and read by two metrics when scraped. */
  private readonly tally = new ActionTally(LATENCY_BUCKETS);
  private readonly restarts: Counter<'plugin'>;
  private readonly reloads: Counter<'plugin' | 'outcome'>;
  private readonly exits: Counter<'plugin' | 'reason'>;
  private readonly fallbacks: Counter<'plugin' | 'primary' | 'type'>;
  private readonly retries: Counter<'plugin' | 'type'>;
  private readonly calls: Counter<'caller' | 'type' | 'outcome'>;

  constructor(source: EventEmitter<SupervisorEvents>, plugins: () => readonly PluginStatus[]) {
    const registers = [this.registry];
    const tally = this.tally;
    new Counter({
      name: 'plugd_actions_total',
      help: 'Actions answered, by plugin, action type and outcome ("ok", a plugd error_id, or "other")',
      labelNames: ['plugin', 'type', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const s of tally.series()) for (const [outcome, n] of s.outcomes) this.inc({ plugin: s.plugin, type: s.type, outcome }, n);
      },
    });
    // The Registry reads a metric through get() and reset(): this one reads the tally.
    this.registry.registerMetric(new TallyHistogram('plugd_action_duration_seconds', 'Time from accepting an action to its Observation', tally) as unknown as Metric);
    this.restarts = new Counter({ name: 'plugd_plugin_restarts_total', help: 'Restarts after a crash, by plugin', labelNames: ['plugin'], registers });
    this.reloads = new Counter({ name: 'plugd_plugin_reloads_total', help: 'Hot reloads, by plugin and outcome (ok, failed)', labelNames: ['plugin', 'outcome'], registers });
    this.exits = new Counter({ name: 'plugd_plugin_exits_total', help: 'Unexpected plugin process exits, by plugin and reason', labelNames: ['plugin', 'reason'], registers });
    new Gauge({
      name: 'plugd_plugin_up',
      help: '1 when the plugin serves actions (state ready or reloading), else 0',
      labelNames: ['plugin'],
      registers,
      collect() {
        for (const p of plugins()) this.set({ plugin: p.name }, p.state === 'ready' || p.state === 'reloading' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'plugd_plugin_in_flight',
      help: 'Actions running in the plugin now',
      labelNames: ['plugin'],
      registers,
      collect() {
        for (const p of plugins()) this.set({ plugin: p.name }, p.inFlight);
      },
    });
    new Gauge({
      name: 'plugd_plugin_queued',
      help: 'Actions waiting for the plugin',
      labelNames: ['plugin'],
      registers,
      collect() {
        for (const p of plugins()) this.set({ plugin: p.name }, p.queued);
      },
    });
    const resource = (name: string, help: string, pick: (r: NonNullable<PluginStatus['resources']>) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['plugin'],
        registers,
        collect() {
          this.reset();
          for (const p of plugins()) if (p.resources) this.set({ plugin: p.name }, pick(p.resources));
        },
      });
    resource('plugd_plugin_memory_bytes', "Memory of the plugin's whole cgroup or process tree (resident, without inactive page cache)", (r) => r.memoryBytes);
    resource('plugd_plugin_cpu_seconds', "CPU time used by the plugin's current generation, its whole cgroup or process tree", (r) => r.cpuSeconds);
    resource('plugd_plugin_processes', "Processes in the plugin's cgroup or process tree", (r) => r.processes);

    for (const p of plugins()) {
      this.restarts.inc({ plugin: p.name }, 0);
      this.reloads.inc({ plugin: p.name, outcome: 'ok' }, 0);
      this.reloads.inc({ plugin: p.name, outcome: 'failed' }, 0);
    }
    source.on('action', (e) => tally.record(e.plugin, e.type, outcomeLabel(e.outcome), e.durationMs / 1000));
    this.fallbacks = new Counter({ name: 'plugd_fallback_actions_total', help: 'Actions served by a fallback plugin, by the plugin that served, the route\'s first plugin and action type', labelNames: ['plugin', 'primary', 'type'], registers });
    this.retries = new Counter({ name: 'plugd_action_retries_total', help: 'Idempotent actions run once more after their plugin crashed, by the plugin they crashed in and type', labelNames: ['plugin', 'type'], registers });
    this.calls = new Counter({ name: 'plugd_plugin_calls_total', help: 'Plugin-to-plugin calls (plugd/execute), by calling plugin, action type and outcome', labelNames: ['caller', 'type', 'outcome'], registers });
    source.on('fallback', (e) => this.fallbacks.inc({ plugin: e.plugin, primary: e.primary, type: e.type }));
    source.on('retry', (e) => this.retries.inc({ plugin: e.plugin, type: e.type }));
    source.on('call', (e) => this.calls.inc({ caller: e.plugin, type: e.type, outcome: e.outcome }));
    source.on('restart', (e) => this.restarts.inc({ plugin: e.plugin }));
    source.on('reload', (e) => this.reloads.inc({ plugin: e.plugin, outcome: 'ok' }));
    source.on('reload_failed', (e) => this.reloads.inc({ plugin: e.plugin, outcome: 'failed' }));
    source.on('exit', (e) => {
      if (!e.expected) this.exits.inc({ plugin: e.plugin, reason: e.reason });
    });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
