import type { TraceLevel } from '@plugd/protocol';
import type { Logger } from 'pino';
import type { PluginOptions, TraceOptions } from '../config/types.js';
import type { PluginProcess } from '../process/plugin-process.js';
import type { FrameListener, TraceRecord } from './frame-event.js';
import { frameEvent } from './frame-event.js';
import { fileRecorder } from './frame-recorder.js';
import type { Redactor } from './redact.js';
import type { RotatingFile } from './rotating-file.js';
import { frameClock } from './frame-clock.js';
import { FrameRing } from './frame-ring.js';
import { SharedFiles } from './shared-files.js';
import { TraceLineEncoder } from './trace-line.js';
import { buildRecord, isoAt } from './trace-record.js';

export { LAST_FRAMES } from './frame-ring.js';

/**
 * Per-plugin trace levels, changeable at run time. At `off` a plugin's channel has
 * no listener at all, so tracing costs nothing. A traced frame goes to the plugin's
 * trace file when one is configured (JSON lines, rotated), else to the log at `info`.
 */
export class TraceHub {
  private readonly levels = new Map<string, TraceLevel>();
  private readonly options = new Map<string, TraceOptions>();
  /** Each plugin's trace file; plugins tracing to one path share one writer. */
  private readonly files = new Map<string, RotatingFile>();
  private readonly shared = new SharedFiles();
  /** Per plugin (all its generations; each record names its generation). */
  private readonly recent = new Map<string, FrameRing>();

  constructor(
    plugins: readonly PluginOptions[],
    private readonly logger: Logger,
    private readonly redactor: Redactor,
  ) {
    for (const plugin of plugins) {
      this.levels.set(plugin.name, plugin.trace.level);
      this.options.set(plugin.name, plugin.trace);
    }
  }

  /** A plugin added or changed by a config reload: its configured level and file from now on. */
  configure(plugin: PluginOptions): void {
    this.levels.set(plugin.name, plugin.trace.level);
    this.options.set(plugin.name, plugin.trace);
  }

  level(plugin: string): TraceLevel {
    return this.levels.get(plugin) ?? 'off';
  }

  /** Every plugin's current level. */
  allLevels(): Record<string, TraceLevel> {
    return Object.fromEntries(this.levels);
  }

  /** Where a plugin's frames go: its trace file, if one is configured. */
  file(plugin: string): string | undefined {
    return this.options.get(plugin)?.file;
  }

  setLevel(level: TraceLevel, plugin?: string): void {
    for (const name of plugin ? [plugin] : [...this.levels.keys()]) this.levels.set(name, level);
  }

  /** The last few traced frames of a plugin (none unless it was traced). */
  lastFrames(plugin: string): readonly TraceRecord[] | undefined {
    const frames = this.recent.get(plugin)?.records(plugin, this.redactor);
    return frames && frames.length > 0 ? frames : undefined;
  }

  listenerFor(plugin: string, proc: PluginProcess): FrameListener | undefined {
    const level = this.level(plugin);
    if (level === 'off') return undefined;
    let recent = this.recent.get(plugin);
    if (!recent) this.recent.set(plugin, (recent = new FrameRing()));
    const ring = recent;
    const file = this.fileFor(plugin);
    if (file) return fileRecorder(new TraceLineEncoder(plugin, this.redactor), file, ring, proc, level);
    return (dir, kind, method, id, durationMs, bytes, message) => {
      const now = frameClock();
      const event = frameEvent(dir, kind, method, id, durationMs, bytes, message);
      ring.add(proc, level, event, now);
      const record = buildRecord(plugin, proc, level, event, this.redactor, isoAt(now));
      this.logger.info({ trace: record }, `frame ${record.dir === 'out' ? '->' : '<-'} ${record.method}`);
    };
  }

  /** Resolves when every traced frame so far is written. */
  async flush(): Promise<void> {
    await this.shared.flush();
  }

  async close(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map((f) => this.shared.release(f.path)));
  }

  /** The plugin's trace file (shared with plugins tracing to the same path), or undefined: frames go to the log. */
  private fileFor(plugin: string): RotatingFile | undefined {
    const options = this.options.get(plugin);
    if (!options?.file) return undefined;
    let file = this.files.get(plugin);
    if (!file) {
      const path = options.file;
      let reported = false;
      file = this.shared.acquire(path, {
        maxBytes: options.maxBytes,
        maxFiles: options.maxFiles,
        onError: (error) => {
          if (reported) return;
          reported = true;
          this.logger.error({ plugin, err: error, file: path }, `cannot write trace file ${path}: ${error.message}`);
        },
      });
      this.files.set(plugin, file);
    }
    return file;
  }
}
