import type { Logger } from 'pino';
import { LineRateLimit } from './line-rate-limit.js';

/** stderr lines logged per plugin per second; past it, one "suppressed N lines" summary. */
export const STDERR_LINES_PER_SECOND = 200;

export interface StderrLine {
  readonly plugin: string;
  readonly pid: number | undefined;
  readonly generation: number;
  readonly line: string;
}

/**
 * Logs plugins' stderr lines at `info`, rate-limited per plugin: a plugin that floods
 * stderr gets one `warn` summary per second instead of a log growing without bound. The
 * crash report's stderr tail is kept elsewhere (the process keeps its last lines).
 */
export class StderrLogger {
  private readonly limits = new Map<string, { limit: LineRateLimit; timer: NodeJS.Timeout | undefined; last: StderrLine }>();

  constructor(
    private readonly logger: Logger,
    private readonly perSecond = STDERR_LINES_PER_SECOND,
    private readonly windowMs = 1000,
  ) {}

  log(e: StderrLine): void {
    let state = this.limits.get(e.plugin);
    if (!state) this.limits.set(e.plugin, (state = { limit: new LineRateLimit(this.perSecond, this.windowMs), timer: undefined, last: e }));
    state.last = e;
    const { pass, summary } = state.limit.admit(Date.now());
    if (summary) this.summarise(e, summary);
    if (pass) this.logger.info({ plugin: e.plugin, pid: e.pid, generation: e.generation, stream: 'stderr' }, e.line);
    // A flood that stops must still be reported: once, at the end of its window.
    else if (!state.timer) {
      const s = state;
      s.timer = setTimeout(() => {
        s.timer = undefined;
        const n = s.limit.takeSuppressed();
        if (n > 0) this.summarise(s.last, n);
      }, this.windowMs);
      s.timer.unref();
    }
  }

  /** Reports what is still suppressed and stops the timers. */
  close(): void {
    for (const state of this.limits.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = undefined;
      const n = state.limit.takeSuppressed();
      if (n > 0) this.summarise(state.last, n);
    }
  }

  private summarise(e: StderrLine, n: number): void {
    this.logger.warn(
      { plugin: e.plugin, pid: e.pid, generation: e.generation, stream: 'stderr', suppressed: n },
      `suppressed ${n} stderr lines of plugin ${e.plugin} (over ${this.perSecond} lines/s); the last lines are kept for its crash report`,
    );
  }
}
