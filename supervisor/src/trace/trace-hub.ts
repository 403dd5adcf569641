import type { TraceLevel } from '@plugd/protocol';
import type { Logger } from 'pino';
import type { PluginOptions, TraceOptions } from '../config/types.js';
import type { PluginProcess } from '../process/plugin-process.js';
import type { FrameEvent, FrameListener, TraceRecord } from './frame-event.js';
import type { Redactor } from './redact.js';
import type { RotatingFile } from './rotating-file.js';
import { SharedFiles } from './shared-files.js';

/** Frames kept per plugin for its crash report (only while tracing is on). */
export const LAST_FRAMES = 8;

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
  private readonly recent = new Map<string, TraceRecord[]>();

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
    const frames = this.recent.get(plugin);
    return frames && frames.length > 0 ? [...frames] : undefined;
  }

  listenerFor(plugin: string, proc: PluginProcess): FrameListener | undefined {
    const level = this.level(plugin);
    if (level === 'off') return undefined;
    let recent = this.recent.get(plugin);
    if (!recent) this.recent.set(plugin, (recent = []));
    const ring = recent;
    const sink = this.sinkFor(plugin);
    return (event: FrameEvent) => {
      const record = this.record(plugin, proc, level, event);
      ring.push(record);
      if (ring.length > LAST_FRAMES) ring.shift();
      sink(record);
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

  private sinkFor(plugin: string): (record: TraceRecord) => void {
    const options = this.options.get(plugin);
    if (!options?.file) return (record) => this.logger.info({ trace: record }, `frame ${record.dir === 'out' ? '->' : '<-'} ${record.method}`);
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
    const target = file;
    return (record) => target.write(JSON.stringify(record));
  }

  /**
   * One frame's record, in the trace file's key order. At `messages` the message itself is
   * not read at all (its size comes with the frame) unless the frame is an error response.
   */
  private record(plugin: string, proc: PluginProcess, level: TraceLevel, event: FrameEvent): TraceRecord {
    // `bytes` is set after id and durationMs, to keep the key order of the file format.
    const record = {
      time: isoNow(),
      plugin,
      pid: proc.pid,
      generation: proc.generation,
      dir: event.dir,
      kind: event.kind,
      method: event.method,
    } as Writable<TraceRecord>;
    if (event.id !== undefined) record.id = event.id;
    if (event.durationMs !== undefined) record.durationMs = Math.round(event.durationMs * 1000) / 1000;
    record.bytes = event.bytes;
    // A run asked for by another plugin (plugd/execute) names its caller at every level: the trace shows the chain.
    const caller = event.kind === 'request' ? (event.message as { params?: { caller?: TraceRecord['caller'] } }).params?.caller : undefined;
    if (caller) record.caller = caller;
    if (level === 'verbose') {
      const message = event.message as { params?: unknown; result?: unknown; error?: unknown };
      if ('params' in message) record.params = this.redactor.redact(message.params);
      if ('result' in message) record.result = this.redactor.redact(message.result);
      if (message.error) record.error = this.redactor.redact(message.error);
    } else if (event.kind === 'error') {
      const error = (event.message as { error?: { code?: unknown; message?: unknown } }).error;
      if (error) record.error = { code: error.code, message: typeof error.message === 'string' ? this.redactor.scrub(error.message) : error.message };
    }
    return record;
  }
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

let isoMs = -1;
let isoText = '';
/** `new Date().toISOString()`, formatted at most once per millisecond (many frames share one). */
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

