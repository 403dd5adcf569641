/**
 * Timing helpers for a handler that runs work of its own (a shell command, a Python cell)
 * and must still answer before `ctx.deadline`: it stops the work early enough to
 * interrupt it and reply with partial output instead of letting plugd answer
 * `ACTION_TIMEOUT`.
 */

/**
 * Time to keep back from the deadline to interrupt the work and answer: 20% of the time
 * left, at least 300 ms, at most 5 s.
 */
export function replyMarginMs(timeLeftMs: number): number {
  return Math.min(5000, Math.max(300, timeLeftMs * 0.2));
}

/**
 * How long the work itself may run: the action's own `timeout` (seconds, as in
 * `ctx.action.timeout`) when it is given and positive, but never past `deadline` (epoch ms,
 * `ctx.deadline`) minus {@link replyMarginMs}; at least 50 ms.
 *
 * ```ts
 * const timeoutMs = workTimeoutMs(ctx.action.timeout, ctx.deadline);
 * ```
 */
export function workTimeoutMs(actionTimeoutSec: number | null | undefined, deadline: number, now = Date.now()): number {
  const left = deadline - now;
  const budget = left - replyMarginMs(left);
  const requested = actionTimeoutSec && actionTimeoutSec > 0 ? actionTimeoutSec * 1000 : Number.POSITIVE_INFINITY;
  return Math.max(50, Math.min(requested, budget));
}

/** Milliseconds as seconds for a message: `30000` → `"30"`, `2500` → `"2.5"`, `1234` → `"1.2"`. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

/**
 * Time to spend interrupting the work (signals, then harder ones) once it has run out:
 * what is left before `deadline` less 100 ms to answer, between 300 ms and 4 s.
 */
export function interruptBudgetMs(deadline: number, now = Date.now()): number {
  return Math.max(300, Math.min(4000, deadline - now - 100));
}

/** `promise`'s value if it settles within `ms`, else `undefined` (the promise runs on). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
