/** Time kept back from the supervisor's deadline to interrupt the cell and answer. */
export function replyMargin(timeLeftMs: number): number {
  return Math.min(5000, Math.max(300, timeLeftMs * 0.2));
}

/** The cell's own limit: the action's `timeout` (seconds) if given, never past the deadline minus the margin. */
export function cellTimeoutMs(actionTimeoutSec: number | null | undefined, deadline: number, now = Date.now()): number {
  const left = deadline - now;
  const budget = left - replyMargin(left);
  const requested = actionTimeoutSec && actionTimeoutSec > 0 ? actionTimeoutSec * 1000 : Number.POSITIVE_INFINITY;
  return Math.max(50, Math.min(requested, budget));
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}
