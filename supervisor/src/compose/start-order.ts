import type { Logger } from 'pino';
import type { StateEvent } from '../events.js';
import type { ManagedPlugin } from '../plugin/managed-plugin.js';
import { dependencyOrder } from '../config/dependency-order.js';
import { unmetCondition } from './condition.js';

export interface StartOrderHost {
  /** The running plugins by name (the supervisor's own map: changes show at once). */
  readonly plugins: ReadonlyMap<string, ManagedPlugin>;
  readonly logger: Logger;
  isStopping(): boolean;
}

/**
 * Start and stop ordering by `dependsOn`: a plugin starts after its dependencies are
 * ready (waiting while they are down), stops before them, and restarts with them (restartWith).
 */
export class StartOrder {
  /** Dependencies that went down while serving: their restartWith dependents restart when they are back. */
  private readonly restartedDeps = new Set<string>();

  constructor(private readonly host: StartOrderHost) {}

  /** A dependency that goes down takes its restartWith dependents with it when it is back (rest_for_one). */
  noteState(e: StateEvent): void {
    if (e.state === 'restarting' && (e.previous === 'ready' || e.previous === 'reloading')) this.restartedDeps.add(e.plugin);
  }

  /**
   * Starts `plugins` each after the ones it depends on are ready (at once when none).
   * A false condition disables a plugin; a lazy one waits for its first action (unless
   * an eager one depends on it); one whose dependency did not come up waits for it.
   * Resolves with each started plugin's first-start outcome.
   */
  async startInOrder(plugins: readonly ManagedPlugin[]): Promise<(readonly [string, boolean])[]> {
    const results = new Map<string, Promise<boolean | undefined>>();
    const needed = this.eagerClosure(plugins);
    const ordered = dependencyOrder(plugins.map((p) => p.options));
    const names = 'order' in ordered ? ordered.order : plugins.map((p) => p.name);
    for (const name of names) {
      const plugin = plugins.find((p) => p.name === name);
      if (plugin) results.set(name, this.startOne(plugin, results, needed.has(name)));
    }
    const outcomes = await Promise.all([...results].map(async ([name, result]) => [name, await result] as const));
    return outcomes.filter((o): o is readonly [string, boolean] => o[1] !== undefined);
  }

  /** The eager plugins and everything they depend on (a lazy dependency of an eager plugin starts with it). */
  private eagerClosure(plugins: readonly ManagedPlugin[]): Set<string> {
    const needed = new Set<string>();
    const add = (name: string): void => {
      if (needed.has(name)) return;
      needed.add(name);
      for (const dep of this.host.plugins.get(name)?.options.dependsOn ?? []) add(dep);
    };
    for (const p of plugins) if (p.options.start === 'eager') add(p.name);
    return needed;
  }

  private async startOne(plugin: ManagedPlugin, results: ReadonlyMap<string, Promise<boolean | undefined>>, now: boolean): Promise<boolean | undefined> {
    const unmet = unmetCondition(plugin.options.when, plugin.options.cwd);
    if (unmet) {
      this.disable(plugin, unmet);
      return undefined;
    }
    if (!now) return undefined;
    const deps = plugin.options.dependsOn;
    if (deps.length > 0) {
      await Promise.all(deps.map((d) => results.get(d)));
      if (this.host.isStopping()) return undefined;
      const down = this.depsDown(plugin);
      if (down) {
        plugin.wait(down);
        this.host.logger.warn({ plugin: plugin.name }, `plugin ${plugin.name} is ${down}; it starts when they are ready`);
        return undefined;
      }
    }
    return plugin.start();
  }

  disable(plugin: ManagedPlugin, reason: string): void {
    plugin.disable(reason);
    this.host.logger.info({ plugin: plugin.name }, `plugin ${plugin.name} is disabled: ${reason}`);
  }

  /** "waiting for db (failed: ...)" when a dependency does not serve; undefined when all do. */
  depsDown(plugin: ManagedPlugin): string | undefined {
    const down = plugin.options.dependsOn
      .map((name) => this.host.plugins.get(name))
      .filter((d) => d !== undefined && d.state !== 'ready' && d.state !== 'reloading')
      .map((d) => `${d!.name} (${d!.state}${d!.reason ? `: ${d!.reason}` : d!.lastError ? `: ${d!.lastError}` : ''})`);
    return down.length > 0 ? `waiting for ${down.join(', ')}` : undefined;
  }

  /** An action needs a plugin that is not running: start its stopped dependencies, then it. */
  async startWhenReady(plugin: ManagedPlugin, untilReady = false): Promise<void> {
    for (const name of plugin.options.dependsOn) {
      const dep = this.host.plugins.get(name);
      if (dep && dep.state === 'stopped') await this.startWhenReady(dep);
    }
    const down = this.depsDown(plugin);
    if (plugin.state !== 'stopped' || this.host.isStopping()) return;
    if (down) {
      plugin.wait(down);
      return;
    }
    const started = plugin.start();
    if (untilReady || this.dependentsOf(plugin.name).length > 0) await started;
  }

  private dependentsOf(name: string): ManagedPlugin[] {
    return [...this.host.plugins.values()].filter((p) => p.options.dependsOn.includes(name));
  }

  /** A plugin is ready: start the ones that waited for it; restart its restartWith dependents if it had gone down. */
  dependencyReady(name: string): void {
    const restarted = this.restartedDeps.delete(name);
    for (const dependent of this.dependentsOf(name)) {
      if (dependent.state === 'waiting') {
        const down = this.depsDown(dependent);
        if (down) dependent.wait(down);
        else void dependent.start();
      } else if (restarted && dependent.options.restartWith && (dependent.state === 'ready' || dependent.state === 'reloading')) {
        this.host.logger.info({ plugin: dependent.name, dependency: name }, `plugin ${dependent.name} restarts with its dependency ${name} (restartWith)`);
        void dependent.restart();
      }
    }
  }

  /** Every plugin stops after the ones that depend on it (start order reversed). */
  async stopInOrder(): Promise<void> {
    const stops = new Map<string, Promise<void>>();
    const stopOne = (plugin: ManagedPlugin): Promise<void> => {
      let stop = stops.get(plugin.name);
      if (!stop) {
        stop = Promise.all(this.dependentsOf(plugin.name).map(stopOne)).then(() => plugin.stop());
        stops.set(plugin.name, stop);
      }
      return stop;
    };
    await Promise.all([...this.host.plugins.values()].map(stopOne));
  }
}
