import type { FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';
import { ContentHashes } from './content-hash.js';
import { TrailingDebounce } from './debounce.js';
import { ignoreFor } from './ignore.js';

export interface PluginWatcherOptions {
  readonly plugin: string;
  /** Absolute files or folders (folders recursively). */
  readonly paths: readonly string[];
  readonly debounceMs: number;
  readonly logger: Logger;
  /** Called once per settled burst of changes that really changed content. */
  onChange(files: readonly string[]): void;
}

/**
 * Watches one plugin's files. Events are collected until `debounceMs` pass without
 * another (trailing debounce); then the touched files are re-hashed and only a real
 * content change is reported. So an editor's atomic save (temp file + rename) is
 * one change, and a save that writes the same bytes is none.
 */
export class PluginWatcher {
  private watcher: FSWatcher | undefined;
  private readonly hashes = new ContentHashes();
  private readonly dirty = new Set<string>();
  private readonly debounce: TrailingDebounce;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  get plugin(): string {
    return this.options.plugin;
  }

  constructor(private readonly options: PluginWatcherOptions) {
    this.debounce = new TrailingDebounce(options.debounceMs, () => {
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  /** Resolves once the initial scan is done and every existing file has its baseline hash. */
  async start(): Promise<void> {
    const { paths, plugin, logger } = this.options;
    const initial: Promise<void>[] = [];
    let ready = false;
    // loaded with the first watcher: most plugds watch nothing (plugd at rest)
    const { watch } = await import('chokidar');
    if (this.closed) return;
    const watcher = watch([...paths], {
      ignored: ignoreFor(paths),
      ignoreInitial: false,
      persistent: false,
      atomic: true,
    });
    this.watcher = watcher;
    watcher.on('add', (path) => {
      if (ready) this.touch(path);
      else initial.push(this.hashes.record(path));
    });
    watcher.on('change', (path) => this.touch(path));
    watcher.on('unlink', (path) => this.touch(path));
    watcher.on('error', (error) => logger.warn({ plugin, err: error }, `watching ${plugin}'s files: ${errorMessage(error)}`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    ready = true;
    await Promise.all(initial);
    logger.debug({ plugin, paths, files: this.hashes.size }, `watching ${this.hashes.size} files of plugin ${plugin}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.debounce.cancel();
    await this.watcher?.close();
  }

  private touch(path: string): void {
    if (this.closed) return;
    this.dirty.add(path);
    this.debounce.trigger();
  }

  private async flush(): Promise<void> {
    if (this.closed || this.dirty.size === 0) return;
    const touched = [...this.dirty];
    this.dirty.clear();
    const changed = await this.hashes.update(touched);
    if (this.closed) return;
    if (changed.length === 0) {
      this.options.logger.debug({ plugin: this.options.plugin, files: touched }, 'files saved without a content change; no reload');
      return;
    }
    this.options.onChange(changed);
  }
}
