import type { ManagedPlugin } from '../plugin/managed-plugin.js';

/**
 * Stops a plugin nobody has used for its `idleStopMs` (the next action starts it
 * again). One timer per plugin, re-armed by every action it answers.
 */
export class IdleStopper {
  private readonly timers = new Map<ManagedPlugin, NodeJS.Timeout>();
  /** Plugins stopped for being idle: an action may start them again. */
  readonly stopped = new Set<string>();
  /** Idle stops under way, so an action arriving meanwhile waits for them, then starts the plugin. */
  readonly stopping = new Map<string, Promise<void>>();

  constructor(private readonly onIdle: (plugin: ManagedPlugin) => void) {}

  /** The plugin was used: its idle clock starts over. */
  touch(plugin: ManagedPlugin): void {
    const ms = plugin.options.idleStopMs;
    if (ms <= 0) return;
    this.stopped.delete(plugin.name);
    clearTimeout(this.timers.get(plugin));
    const timer = setTimeout(() => {
      this.timers.delete(plugin);
      if (!plugin.idle) return this.touch(plugin); // still busy: check again later
      if (plugin.state === 'ready') this.onIdle(plugin);
    }, ms);
    timer.unref();
    this.timers.set(plugin, timer);
  }

  forget(plugin: ManagedPlugin): void {
    clearTimeout(this.timers.get(plugin));
    this.timers.delete(plugin);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
