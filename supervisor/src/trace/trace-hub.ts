import type { TraceLevel } from '@plugd/protocol';
import type { Logger } from 'pino';
import type { PluginOptions } from '../config/types.js';
import type { PluginProcess } from '../process/plugin-process.js';
import type { FrameEvent, FrameListener } from './frame-event.js';

const LAST_FRAMES = 8;

/**
 * Per-plugin trace levels, changeable at run time. At `off` a plugin's channel has
 * no listener at all, so tracing costs nothing.
 */
export class TraceHub {
  private readonly levels = new Map<string, TraceLevel>();
  private readonly recent = new Map<string, unknown[]>();

  constructor(
    plugins: readonly PluginOptions[],
    private readonly logger: Logger,
  ) {
    for (const plugin of plugins) this.levels.set(plugin.name, plugin.trace.level);
  }

  level(plugin: string): TraceLevel {
    return this.levels.get(plugin) ?? 'off';
  }

  setLevel(level: TraceLevel, plugin?: string): void {
    for (const name of plugin ? [plugin] : [...this.levels.keys()]) this.levels.set(name, level);
  }

  lastFrames(plugin: string): readonly unknown[] | undefined {
    return this.recent.get(plugin);
  }

  listenerFor(plugin: string, proc: PluginProcess): FrameListener | undefined {
    const level = this.level(plugin);
    if (level === 'off') return undefined;
    const recent: unknown[] = [];
    this.recent.set(plugin, recent);
    return (event: FrameEvent) => {
      const record = this.record(plugin, proc, level, event);
      recent.push(record);
      if (recent.length > LAST_FRAMES) recent.shift();
      this.logger.debug({ trace: record }, 'frame');
    };
  }

  private record(plugin: string, proc: PluginProcess, level: TraceLevel, event: FrameEvent): Record<string, unknown> {
    const message = event.message as { params?: unknown; result?: unknown; error?: unknown };
    return {
      time: new Date().toISOString(),
      plugin,
      pid: proc.pid,
      generation: proc.generation,
      dir: event.dir,
      kind: event.kind,
      method: event.method,
      ...(event.id !== undefined ? { id: event.id } : {}),
      ...(event.durationMs !== undefined ? { durationMs: Math.round(event.durationMs * 1000) / 1000 } : {}),
      ...(level === 'verbose' ? { params: message.params, result: message.result, error: message.error } : {}),
    };
  }
}
