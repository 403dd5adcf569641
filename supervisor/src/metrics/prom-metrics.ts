import { Counter, Gauge, Registry } from 'prom-client';
import type { CallEvent, ExitEvent, FallbackEvent, RetryEvent } from '../events.js';
import type { PluginStatus } from '../plugin/plugin-status.js';
import type { ActionTally } from './action-tally.js';

/**
 * The prom-client side of SupervisorMetrics (loaded with the first scrape): one Registry
 * per Supervisor (never prom-client's global one, so two supervisors in one process do
 * not mix), updated by SupervisorMetrics in the order the supervisor's events came.
 */
export class PromMetrics {
  readonly registry = new Registry();
  private readonly restarts: Counter<'plugin'>;
  private readonly reloads: Counter<'plugin' | 'outcome'>;
  private readonly exits: Counter<'plugin' | 'reason'>;
  private readonly fallbacks: Counter<'plugin' | 'primary' | 'type'>;
  private readonly retries: Counter<'plugin' | 'type'>;
  private readonly calls: Counter<'caller' | 'type' | 'outcome'>;

  /** `actions`: the supervisor's per-action tally, kept in plain numbers from the start (ActionTally). */
  constructor(plugins: () => readonly PluginStatus[], actions: ActionTally) {
    const registers = [this.registry];
    actions.register(
      this.registry,
      { name: 'plugd_actions_total', help: 'Actions answered, by plugin, action type and outcome ("ok", a plugd error_id, or "other")' },
      { name: 'plugd_action_duration_seconds', help: 'Time from accepting an action to its Observation' },
    );
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

    this.fallbacks = new Counter({ name: 'plugd_fallback_actions_total', help: 'Actions served by a fallback plugin, by the plugin that served, the route\'s first plugin and action type', labelNames: ['plugin', 'primary', 'type'], registers });
    this.retries = new Counter({ name: 'plugd_action_retries_total', help: 'Idempotent actions run once more after their plugin crashed, by the plugin they crashed in and type', labelNames: ['plugin', 'type'], registers });
    this.calls = new Counter({ name: 'plugd_plugin_calls_total', help: 'Plugin-to-plugin calls (plugd/execute), by calling plugin, action type and outcome', labelNames: ['caller', 'type', 'outcome'], registers });
  }

  /** Every plugin known at start gets its restart and reload series at 0. */
  zeroPlugins(names: readonly string[]): void {
    for (const plugin of names) {
      this.restarts.inc({ plugin }, 0);
      this.reloads.inc({ plugin, outcome: 'ok' }, 0);
      this.reloads.inc({ plugin, outcome: 'failed' }, 0);
    }
  }

  fallback(e: FallbackEvent): void {
    this.fallbacks.inc({ plugin: e.plugin, primary: e.primary, type: e.type });
  }

  retry(e: RetryEvent): void {
    this.retries.inc({ plugin: e.plugin, type: e.type });
  }

  call(e: CallEvent): void {
    this.calls.inc({ caller: e.plugin, type: e.type, outcome: e.outcome });
  }

  restart(plugin: string): void {
    this.restarts.inc({ plugin });
  }

  reload(plugin: string, outcome: 'ok' | 'failed'): void {
    this.reloads.inc({ plugin, outcome });
  }

  exit(e: ExitEvent): void {
    if (!e.expected) this.exits.inc({ plugin: e.plugin, reason: e.reason });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
