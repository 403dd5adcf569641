import type { GenerationGuard, GuardedLaunch, LaunchRequest, ResourceUsage } from './guard.js';
import { CLOCK_TICKS_PER_SECOND, PAGE_BYTES, descendsFrom, readProc, scanProcs, scanProcsRecent, treeOf } from './proc-table.js';

const KILL_PASSES = 3;

/**
 * Containment without cgroups: the plugin's process group, the groups it reported
 * (`plugd/processGroup`), and its descendants found by a /proc walk. It misses a
 * process that left all of these: a double-forked daemon (reparented to init) in a
 * group it never reported, once its parent is gone.
 */
export class TreeGuard implements GenerationGuard {
  readonly mechanism = 'process-group' as const;
  private readonly groups = new Set<number>();
  /** Descendants seen before a graceful stop (pid -> start time): a detached one outlives the plugin's exit. */
  private remembered = new Map<number, number>();

  started(): void {
    // Nothing to count: no cgroup to enter.
  }

  /** Spawned as asked: detached, so its process group is its own. */
  launch(request: LaunchRequest): GuardedLaunch {
    return { command: request.command, env: request.env };
  }

  onProcessGroup(pid: number, pgid: number, alive: boolean): void {
    if (!alive) {
      this.groups.delete(pgid);
      return;
    }
    // A plugin may only claim a group it leads the way to: the leader must descend
    // from it (else a hostile plugin could name plugd's group or another plugin's).
    if (pgid > 1 && pgid !== process.pid && descendsFrom(scanProcs(), pgid, pid)) this.groups.add(pgid);
  }

  snapshot(pid: number): void {
    for (const p of treeOf(scanProcs(), pid, this.groups)) if (p.pid !== pid) this.remembered.set(p.pid, p.startTime);
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    signalTree(pid, this.groups, signal);
  }

  usage(pid: number | undefined): ResourceUsage | undefined {
    if (pid === undefined) return undefined;
    // A shared scan may predate this generation (a restart within its 250 ms): then a fresh one.
    let table = scanProcsRecent();
    if (!table.has(pid)) table = scanProcsRecent(0);
    const tree = treeOf(table, pid, this.groups);
    if (tree.length === 0) return undefined;
    let rss = 0;
    let ticks = 0;
    for (const p of tree) {
      rss += p.rssPages;
      ticks += p.cpuTicks + (p.pid === pid ? p.childCpuTicks : 0);
    }
    return { memoryBytes: rss * PAGE_BYTES, cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, processes: tree.length };
  }

  release(pid: number | undefined): undefined {
    if (pid !== undefined) signalTree(pid, this.groups, 'SIGKILL');
    // The same process (pid and start time), not a newcomer that reused the pid.
    for (const [p, startTime] of this.remembered) if (readProc(p)?.startTime === startTime) send(p, 'SIGKILL');
    this.remembered.clear();
    this.groups.clear();
    return undefined;
  }
}

/**
 * Signals the plugin's group, its reported groups and every descendant. The walk comes
 * first (a dead parent's children are reparented out of reach); for SIGKILL each one
 * found is stopped at once and the walk repeats, so a fork racing it is caught too.
 */
export function signalTree(pid: number, groups: ReadonlySet<number>, signal: NodeJS.Signals): void {
  const seen = new Set<number>();
  const kill = signal === 'SIGKILL';
  for (let pass = 0; pass < (kill ? KILL_PASSES : 1); pass++) {
    const fresh = treeOf(scanProcs(), pid, groups).filter((p) => !seen.has(p.pid));
    if (fresh.length === 0) break;
    for (const p of fresh) {
      seen.add(p.pid);
      send(p.pid, kill ? 'SIGSTOP' : signal);
    }
  }
  for (const pgid of [pid, ...groups]) send(-pgid, signal);
  if (kill) for (const p of seen) send(p, 'SIGKILL');
}

function send(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // gone (ESRCH) or not ours (EPERM)
  }
}
