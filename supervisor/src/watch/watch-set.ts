import type { Logger } from 'pino';
import type { PluginOptions } from '../config/types.js';
import { errorMessage } from '../errors.js';
import type { SpeculativeStart } from './burst-speculation.js';
import { PluginWatcher } from './plugin-watcher.js';

/** One PluginWatcher for every plugin that has `watch` paths. */
export class WatchSet {
  private readonly watchers: PluginWatcher[] = [];
  private starting: Promise<void> | undefined;
  private closed = false;

  constructor(
    plugins: readonly PluginOptions[],
    debounceMs: number,
    private readonly logger: Logger,
    onChange: (plugin: string, files: readonly string[]) => void,
    /** Starts a plugin's next generation during the debounce (see BurstSpeculation). */
    speculate?: (plugin: string, files: readonly string[]) => SpeculativeStart | undefined,
  ) {
    for (const plugin of plugins) {
      if (plugin.watch.length === 0) continue;
      const name = plugin.name;
      this.watchers.push(
        new PluginWatcher({
          plugin: name,
          paths: plugin.watch,
          debounceMs,
          logger,
          onChange: (files) => onChange(name, files),
          ...(speculate ? { speculate: (files: readonly string[]) => speculate(name, files) } : {}),
        }),
      );
    }
  }

  /** Starts every watcher; a watcher that cannot start is logged, never fatal. */
  start(): Promise<void> {
    this.starting ??= Promise.all(
      this.watchers.map((w) => w.start().catch((error: unknown) => this.logger.warn({ err: error }, `cannot watch plugin files: ${errorMessage(error)}`))),
    ).then(async () => {
      if (this.closed) await this.close();
    });
    return this.starting;
  }

  /** The plugins whose files are watched. */
  plugins(): string[] {
    return this.watchers.map((w) => w.plugin);
  }

  /** Stops watching `plugin`'s files (it was removed: POST /update_mcp_server). */
  async remove(plugin: string): Promise<void> {
    const gone = this.watchers.filter((w) => w.plugin === plugin);
    if (gone.length === 0) return;
    this.watchers.splice(0, this.watchers.length, ...this.watchers.filter((w) => w.plugin !== plugin));
    await Promise.all(gone.map((w) => w.close()));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.watchers.map((w) => w.close()));
  }
}
