import type { Logger } from 'pino';
import type { ManagedPlugin } from '../plugin/managed-plugin.js';
import { IdleStopper } from './idle-stopper.js';
import type { Candidate } from './pick-plugin.js';

export interface LazyStartHost {
  readonly logger: Logger;
  isStopping(): boolean;
  /** Starts a plugin after its stopped dependencies (resolves once it is starting). */
  startWhenReady(plugin: ManagedPlugin): Promise<void>;
}

/**
 * Plugins that run only while needed: a lazy plugin (or one stopped for being idle)
 * starts on the action that needs it; one unused for its `idleStopMs` stops.
 */
export class LazyStart {
  private readonly idle: IdleStopper;

  constructor(private readonly host: LazyStartHost) {
    this.idle = new IdleStopper((plugin) => void this.stopIdle(plugin));
  }

  /** The plugin was used (or became ready): its idle clock starts over. */
  touch(plugin: ManagedPlugin): void {
    this.idle.touch(plugin);
  }

  forget(plugin: ManagedPlugin): void {
    this.idle.forget(plugin);
  }

  clear(): void {
    this.idle.clear();
  }

  /** How a plugin looks to the route: a stopped lazy or idle-stopped plugin is startable, not refused. */
  candidate(p: ManagedPlugin): Candidate {
    const startable = p.state === 'stopped' && !this.host.isStopping() && (p.options.start === 'lazy' || this.idle.stopped.has(p.name));
    return { name: p.name, serving: p.state === 'ready' || p.state === 'reloading', startable, refusal: startable || this.idle.stopping.has(p.name) ? undefined : p.refusal() };
  }

  /** Only a plugin that is not running is awaited: otherwise the action is queued at once (maxQueued counts it now). */
  needsWake(plugin: ManagedPlugin, startable: boolean): boolean {
    return this.idle.stopping.has(plugin.name) || (plugin.state === 'stopped' && startable);
  }

  /** A lazy plugin (or one stopped for being idle) starts on the action that needs it. */
  async wake(plugin: ManagedPlugin): Promise<void> {
    await this.idle.stopping.get(plugin.name);
    if (plugin.state !== 'stopped' || this.host.isStopping()) return;
    if (plugin.options.start !== 'lazy' && !this.idle.stopped.has(plugin.name)) return;
    this.idle.stopped.delete(plugin.name);
    this.host.logger.info({ plugin: plugin.name }, `plugin ${plugin.name}: started by an action (${plugin.options.start === 'lazy' ? 'lazy' : 'was stopped for being idle'})`);
    // Resolves once the plugin is starting (its dependencies first): the action then queues for it.
    await this.host.startWhenReady(plugin);
  }

  private async stopIdle(plugin: ManagedPlugin): Promise<void> {
    if (this.host.isStopping() || this.idle.stopping.has(plugin.name)) return;
    this.host.logger.info({ plugin: plugin.name, idleStopMs: plugin.options.idleStopMs }, `plugin ${plugin.name}: stopped after ${plugin.options.idleStopMs} ms without actions (idleStopMs); the next action starts it`);
    const stopping = plugin.stop().finally(() => this.idle.stopping.delete(plugin.name));
    this.idle.stopping.set(plugin.name, stopping);
    this.idle.stopped.add(plugin.name);
    await stopping;
  }
}
