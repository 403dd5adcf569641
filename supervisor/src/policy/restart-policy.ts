import type { RestartOptions } from '../config/types.js';

/** How a plugin process ended, as the policy sees it. */
export interface ExitFacts {
  /** `Date.now()` at exit. */
  readonly at: number;
  readonly uptimeMs: number;
  /** Exit code 0 with no signal, not caused by the supervisor. */
  readonly clean: boolean;
}

export type RestartDecision =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'fail'; readonly retryInMs: number; readonly reason: string }
  | { readonly kind: 'stay-stopped'; readonly reason: string };

/**
 * Decides from exit history alone whether and when to restart (as LSP's
 * DefaultErrorHandler does): exponential backoff with jitter, reset after a healthy
 * run of `minUptimeMs`, and `failed` past `maxRestarts` within `windowMs`.
 * Pure: no timers, no processes; `random` is injectable for tests.
 */
export class RestartPolicy {
  private restarts: number[] = [];
  private consecutive = 0;

  constructor(
    private readonly options: RestartOptions,
    private readonly random: () => number = Math.random,
  ) {}

  onExit(exit: ExitFacts): RestartDecision {
    const { mode } = this.options;
    if (mode === 'never') return { kind: 'stay-stopped', reason: 'restart mode is "never"' };
    if (mode === 'on-failure' && exit.clean) return { kind: 'stay-stopped', reason: 'it exited cleanly (code 0) and restart mode is "on-failure"' };

    if (exit.uptimeMs >= this.options.minUptimeMs) this.consecutive = 0;
    this.restarts = this.restarts.filter((t) => exit.at - t < this.options.windowMs);
    if (this.restarts.length >= this.options.maxRestarts) {
      return {
        kind: 'fail',
        retryInMs: this.options.failedRetryMs,
        reason: `it exited ${this.restarts.length + 1} times within ${this.options.windowMs} ms (maxRestarts ${this.options.maxRestarts})`,
      };
    }
    this.restarts.push(exit.at);
    const delayMs = this.delayFor(this.consecutive);
    this.consecutive += 1;
    return { kind: 'restart', delayMs, attempt: this.consecutive };
  }

  /** Forget the history: after a successful probe of a failed plugin, or a manual restart. */
  reset(): void {
    this.restarts = [];
    this.consecutive = 0;
  }

  private delayFor(consecutive: number): number {
    const { initialDelayMs, factor, maxDelayMs, jitter } = this.options;
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** consecutive);
    return Math.round(base * (1 - jitter * this.random()));
  }
}
