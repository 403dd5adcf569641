/** Why a plugin process ended. */
export type ExitReason =
  | 'exited' // on its own
  | 'stopped' // asked to by the supervisor
  | 'unresponsive' // missed pings
  | 'protocol-error' // wrote a bad frame
  | 'pipe-broken'
  | 'cancel-ignored' // did not answer a cancelled action within cancelGraceMs
  | 'start-failed'
  | 'refused' // never spawned: a pinned digest changed, or its files are out of its user's reach
  | 'out-of-memory' // killed by the kernel at its cgroup's memory limit (limits.memoryMiB)
  | 'memory-limit'; // restarted by plugd: memory stayed above limits.memoryRestartMiB

export interface ExitInfo {
  readonly generation: number;
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: string | null;
  /** `Date.now()` at exit. */
  readonly at: number;
  readonly uptimeMs: number;
  readonly reason: ExitReason;
  /** The supervisor caused it (stop, reload, restart request); not a crash. */
  readonly expected: boolean;
  /** What the supervisor saw: protocol error text, missed pings, ... */
  readonly detail?: string;
  readonly stderrTail: readonly string[];
}

export function describeExit(exit: Pick<ExitInfo, 'code' | 'signal'>): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code ?? 'unknown'}`;
}
