import type { Logger } from 'pino';
import type { PluginOptions, SupervisorConfig } from '../config/types.js';
import type { ConfigReloadEvent } from '../events.js';
import type { ManagedPlugin } from '../plugin/managed-plugin.js';
import type { PluginFactory } from '../plugin/plugin-factory.js';
import type { TraceHub } from '../trace/trace-hub.js';
import { unmetCondition } from './condition.js';
import { diffPlugins } from './config-diff.js';
import type { Retirement } from './retirement.js';
import type { StartOrder } from './start-order.js';

export interface ConfigApplyHost {
  /** The running plugins by name (the supervisor's own map, changed here). */
  readonly plugins: Map<string, ManagedPlugin>;
  readonly logger: Logger;
  readonly trace: TraceHub;
  readonly factory: PluginFactory;
  readonly order: StartOrder;
  readonly retirement: Retirement;
  isStopping(): boolean;
  config(): SupervisorConfig;
  setConfig(next: SupervisorConfig): void;
  /** A fresh route table for `routes` (the plugins then claim theirs again). */
  resetRoutes(routes: SupervisorConfig['routes']): void;
  claimRoutes(name: string, actions: readonly string[]): string | undefined;
  removePlugin(name: string): Promise<void>;
  /** File watchers for the new config's plugins. */
  rewatch(next: SupervisorConfig): Promise<void>;
}

/** Applies a config at run time: plugins added, removed, replaced blue/green or checked again. */
export class ConfigApply {
  constructor(private readonly host: ConfigApplyHost) {}

  async apply(next: SupervisorConfig): Promise<ConfigReloadEvent> {
    const { host } = this;
    const diff = diffPlugins(host.config().plugins, next.plugins);
    // The running plugins may differ from the old config: POST /update_mcp_server adds and
    // removes MCP servers. A config entry whose plugin is not running is added; one that
    // takes the name of a server added at run time replaces it.
    const running = (name: string) => host.plugins.has(name);
    const toAdd = [...diff.added, ...diff.changed, ...next.plugins.filter((p) => diff.unchanged.includes(p.name))].filter((p) => !running(p.name));
    const toChange = [...diff.changed, ...diff.added].filter((p) => running(p.name));
    const unchanged = diff.unchanged.filter(running);
    host.setConfig(next);
    const notApplied: { plugin: string; error: string }[] = [];
    // Removed plugins take no new action from now on; what they run, they finish.
    for (const name of diff.removed) {
      if (running(name)) void host.removePlugin(name).catch((error: unknown) => host.logger.error({ plugin: name, err: error }, `stopping removed plugin ${name} failed`));
    }
    host.resetRoutes(next.routes);
    for (const plugin of host.plugins.values()) host.claimRoutes(plugin.name, [...plugin.options.declaredActions, ...plugin.actionTypes]);
    for (const options of toChange) host.trace.configure(options);
    const added = this.attach(toAdd);
    const replaced = toChange.map(async (options) => {
      const error = await this.replace(host.plugins.get(options.name)!, options);
      if (error) notApplied.push({ plugin: options.name, error });
    });
    await Promise.all([host.order.startInOrder(added), ...replaced, ...unchanged.map((name) => this.recheck(host.plugins.get(name)!))]);
    if (!host.isStopping()) await host.rewatch(next);
    return { added: toAdd.map((p) => p.name), removed: diff.removed, changed: toChange.map((p) => p.name), unchanged, notApplied };
  }

  /** New plugins at run time: managed, traced and routed like the ones at start (not started yet). */
  attach(list: readonly PluginOptions[]): ManagedPlugin[] {
    const { host } = this;
    return list.map((options) => {
      host.trace.configure(options);
      const plugin = host.factory.create(options);
      host.plugins.set(options.name, plugin);
      if (options.declaredActions.length > 0) host.claimRoutes(options.name, options.declaredActions);
      return plugin;
    });
  }

  /** Blue/green across configs: the new instance starts beside the old, which serves until it is ready. */
  private async replace(old: ManagedPlugin, options: PluginOptions): Promise<string | undefined> {
    const { host } = this;
    const fresh = host.factory.create(options, old.latestGeneration);
    const unmet = unmetCondition(options.when, options.cwd);
    const swap = (): void => {
      host.plugins.set(options.name, fresh);
      host.claimRoutes(options.name, [...options.declaredActions, ...fresh.actionTypes]);
      void host.retirement.retire(old);
    };
    if (unmet) {
      host.order.disable(fresh, unmet);
      swap();
      return undefined;
    }
    const down = host.order.depsDown(fresh);
    if (options.start === 'lazy' || down) {
      if (down) fresh.wait(down);
      swap();
      return undefined;
    }
    if (await fresh.start()) {
      swap();
      return undefined;
    }
    const error = `its new config did not start (${fresh.lastError ?? 'failed'}); the previous one keeps serving`;
    await fresh.stop();
    host.logger.error({ plugin: options.name }, `config reload: plugin ${options.name}: ${error}`);
    return error;
  }

  /** An unchanged plugin: its condition may have changed (a program installed, a variable set). */
  private async recheck(plugin: ManagedPlugin): Promise<void> {
    const { host } = this;
    const unmet = unmetCondition(plugin.options.when, plugin.options.cwd);
    if (unmet && plugin.state !== 'disabled') {
      host.plugins.delete(plugin.name);
      await host.retirement.retire(plugin);
      const fresh = host.factory.create(plugin.options, plugin.latestGeneration);
      host.order.disable(fresh, unmet);
      host.plugins.set(plugin.name, fresh);
    } else if (!unmet && plugin.state === 'disabled') {
      plugin.enable();
      if (plugin.options.start === 'eager') await host.order.startWhenReady(plugin, true);
    }
  }
}
