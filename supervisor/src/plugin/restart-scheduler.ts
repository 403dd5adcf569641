import type { RestartOptions } from '../config/types.js';
import type { ExitInfo } from '../process/exit-info.js';
import { RestartPolicy } from '../policy/restart-policy.js';

/** What happens after a generation exited or failed to start. */
export type AfterExit =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly attempt: number; readonly at: number }
  | { readonly kind: 'fail'; readonly reason: string; readonly retryInMs: number; readonly at: number }
  | { readonly kind: 'stay-stopped'; readonly reason: string };

/**
 * A plugin's one retry timer and the decisions that set it: the RestartPolicy's
 * backoff after a crash, `failed` + a probe after `failedRetryMs`. One timer at a time;
 * `clear()` cancels it.
 */
export class RestartScheduler {
  private readonly policy: RestartPolicy;
  /** Cancels the pending retry, while one is set. */
  private timer: (() => void) | undefined;
  /** `Date.now()` when the timer fires, while one is set. */
  nextRetryAt: number | undefined;
  /** Restarts scheduled so far (for status). */
  restarts = 0;

  constructor(
    private readonly options: RestartOptions,
    random?: () => number,
  ) {
    this.policy = new RestartPolicy(options, random);
  }

  /** The policy's word on an exit; a failed probe (or a program that cannot be run) fails at once. */
  decide(exit: ExitInfo | undefined, failNow: string | undefined): AfterExit {
    const now = Date.now();
    if (failNow !== undefined) return { kind: 'fail', reason: failNow, retryInMs: this.options.failedRetryMs, at: now + this.options.failedRetryMs };
    const decision = this.policy.onExit({ at: exit?.at ?? now, uptimeMs: exit?.uptimeMs ?? 0, clean: exit?.code === 0 && !exit.signal });
    switch (decision.kind) {
      case 'restart':
        this.restarts += 1;
        return { ...decision, at: now + decision.delayMs };
      case 'fail':
        return { ...decision, at: now + decision.retryInMs };
      case 'stay-stopped':
        return decision;
    }
  }

  /** Runs `fn` after `delayMs` (replacing any pending retry); `at` is the time reported for it (one clock reading for events and status). */
  schedule(delayMs: number, fn: () => void, at = Date.now() + delayMs): void {
    this.clear();
    this.nextRetryAt = at;
    const run = (): void => {
      this.timer = undefined;
      fn();
    };
    // A timer waits at least 1 ms: a restart with no delay runs on the next turn instead.
    if (delayMs <= 0) {
      const immediate = setImmediate(run);
      this.timer = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(run, delayMs);
      this.timer = () => clearTimeout(timeout);
    }
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  clear(): void {
    this.timer?.();
    this.timer = undefined;
    this.nextRetryAt = undefined;
  }

  /** Forget the exit history: after a successful probe, or a restart asked for. */
  reset(): void {
    this.policy.reset();
  }
}
