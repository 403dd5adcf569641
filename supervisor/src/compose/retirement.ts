import type { ManagedPlugin } from '../plugin/managed-plugin.js';
import { delay } from '../util/delay.js';

export interface RetirementHost {
  isStopping(): boolean;
  /** The plugin leaves: its idle timer goes. */
  forget(plugin: ManagedPlugin): void;
}

/** Plugins replaced or removed at run time, finishing their actions before they stop. */
export class Retirement {
  private readonly retiring = new Set<ManagedPlugin>();

  constructor(private readonly host: RetirementHost) {}

  /** A plugin that left the config (or was replaced): it finishes what it has, bounded by its action timeout, then stops. */
  async retire(plugin: ManagedPlugin): Promise<void> {
    this.retiring.add(plugin);
    this.host.forget(plugin);
    const until = Date.now() + plugin.options.timeouts.actionMs + plugin.options.timeouts.cancelGraceMs;
    while (!plugin.idle && Date.now() < until && !this.host.isStopping()) await delay(20);
    await plugin.stop();
    this.retiring.delete(plugin);
  }

  /** plugd stops: the retiring plugins stop now. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.retiring].map((p) => p.stop()));
  }
}
