import type { FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { errorMessage } from '../errors.js';
import { BurstSpeculation } from './burst-speculation.js';
import type { Speculate } from './burst-speculation.js';
import { ContentHashes } from './content-hash.js';
import { TrailingDebounce } from './debounce.js';
import { ignoreFor } from './ignore.js';

export interface PluginWatcherOptions {
  readonly plugin: string;
  /** Absolute files or folders (folders recursively). */
  readonly paths: readonly string[];
  readonly debounceMs: number;
  readonly logger: Logger;
  /**
   * Called once per settled burst of changes that really changed content. When the
   * burst's speculative start was confirmed just before, that generation serves it.
   */
  onChange(files: readonly string[]): void;
  /** Starts the next generation during the debounce (BurstSpeculation); without it, nothing starts before the burst settles. */
  speculate?: Speculate;
}

/**
 * Watches one plugin's files. Events are collected until `debounceMs` pass without
 * another (trailing debounce); then the touched files are re-hashed and only a real
 * content change is reported. So an editor's atomic save (temp file + rename) is
 * one change, and a save that writes the same bytes is none. With `speculate`, the
 * first real change of a burst starts the next generation at once; the settled burst
 * confirms or invalidates it (BurstSpeculation).
 */
export class PluginWatcher {
  private watcher: FSWatcher | undefined;
  private readonly hashes = new ContentHashes();
  private readonly dirty = new Set<string>();
  private readonly debounce: TrailingDebounce;
  /** Speculation attempts and flushes, one at a time and in order (a flush settles the attempts before it). */
  private flushing: Promise<void> = Promise.resolve();
  /** The burst under way (from its first event to its flush), when speculating. */
  private burst: BurstSpeculation | undefined;
  private attemptQueued = false;
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
    this.burst?.cancel();
    await this.watcher?.close();
  }

  private touch(path: string): void {
    if (this.closed) return;
    this.dirty.add(path);
    this.debounce.trigger();
    const { speculate } = this.options;
    if (!speculate) return;
    // A file read empty at its event is read again for a moment (BurstSpeculation), never past half the debounce.
    const burst = (this.burst ??= new BurstSpeculation(this.hashes, speculate, Math.min(50, this.options.debounceMs / 2)));
    if (!burst.open || this.attemptQueued) return;
    this.attemptQueued = true;
    this.flushing = this.flushing.then(async () => {
      this.attemptQueued = false;
      if (this.closed) return;
      await burst.onEvents(this.dirty).catch((error: unknown) => this.options.logger.warn({ plugin: this.options.plugin, err: error }, `speculative start of ${this.options.plugin}: ${errorMessage(error)}`));
    });
  }

  private async flush(): Promise<void> {
    if (this.closed || this.dirty.size === 0) return;
    const touched = [...this.dirty];
    this.dirty.clear();
    const burst = this.burst;
    this.burst = undefined;
    const now = await this.hashes.peek(touched);
    if (this.closed) return burst?.cancel();
    // Settled against the baseline, so before the new hashes are recorded.
    burst?.settle(now);
    const changed = this.hashes.apply(now);
    if (changed.length === 0) {
      this.options.logger.debug({ plugin: this.options.plugin, files: touched }, 'files saved without a content change; no reload');
      return;
    }
    this.options.onChange(changed);
  }
}
