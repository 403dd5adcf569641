import { existsSync, mkdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { killCgroup, listPids, readKeyed, readNumber, removeCgroupTree, signalCgroup, waitEmpty, writeText } from './cgroup-fs.js';
import type { ResourceUsage } from './guard.js';
import type { CgroupPlan, Hierarchy } from './layout.js';
import { planHierarchies } from './layout.js';
import { limitFiles } from './limit-files.js';
import { PAGE_BYTES, readProc } from './proc-table.js';
import type { HardLimits, LimitController } from './limit-files.js';

/** How long a killed cgroup may take to empty before its removal is left to the next start. */
const EMPTY_TIMEOUT_MS = 5_000;

/**
 * One plugin generation's cgroup: a directory `<plugd's cgroup>/<path>` in each
 * hierarchy the plan uses (one on pure v2; v2 + v1 memory/pids/cpu on a hybrid host).
 */
export class Cgroup {
  private readonly dirs: Map<Hierarchy, string>;

  constructor(
    private readonly plan: CgroupPlan,
    /** Relative to plugd's own cgroup, e.g. "plugd/1234-5678-1/shell.g2". */
    readonly path: string,
    private readonly limits: HardLimits,
  ) {
    // Entering each hierarchy costs the spawn a cgroup migration (a few ms on a busy
    // machine): pids and cpu are joined only when limited; memory always, for usage and OOM.
    const used = planHierarchies(plan).filter(
      (h) => h === plan.main || h === plan.memory || h === plan.cpuTime || h === plan.freezer || (h === plan.pids && limits.pids !== undefined) || (h === plan.cpu && limits.cpuPercent !== undefined),
    );
    this.dirs = new Map(used.map((h) => [h, join(h.dir, path)]));
  }

  /** Makes the directories and writes the limits; returns the limits no controller can enforce. */
  create(): string[] {
    const limits = this.limits;
    for (const dir of this.dirs.values()) mkdirSync(dir, { recursive: true });
    const versions: Partial<Record<LimitController, 1 | 2>> = {};
    for (const c of ['memory', 'pids', 'cpu'] as const) {
      const h = this.plan[c];
      if (h) versions[c] = h.version;
    }
    const { files, unenforced } = limitFiles(limits, versions);
    for (const f of files) {
      const file = join(this.dir(this.plan[f.controller]!), f.file);
      if (f.optional && !existsSync(file)) continue;
      try {
        writeText(file, f.value);
      } catch (error) {
        if (!f.optional) throw error;
      }
    }
    return unenforced;
  }

  /**
   * The `cgroup.procs` files a process is written into to join every hierarchy, the main
   * one (kill, process list) last: once a process shows there, it is in all of them.
   */
  procsFiles(): string[] {
    const main = this.dir(this.plan.main);
    const dirs = [...this.dirs.values()].filter((dir) => dir !== main);
    return [...dirs, main].map((dir) => join(dir, 'cgroup.procs'));
  }

  /**
   * Where a member of this cgroup shows in its /proc/<pid>/cgroup, one [key, path] per
   * hierarchy: the key is "" for the v2 line ("0::path"), else one controller of that v1
   * hierarchy's line ("4:memory:path").
   */
  memberships(): [string, string][] {
    return [...this.dirs.keys()].map((h) => [h.version === 2 ? '' : h.controllers[0]!, posix.join(h.path, this.path)]);
  }

  /** cgroup.kill, when the kernel has it (handed to the plugin for when plugd is gone). */
  killFile(): string | undefined {
    const file = join(this.dir(this.plan.main), 'cgroup.kill');
    return existsSync(file) ? file : undefined;
  }

  pids(): number[] {
    return listPids(this.dir(this.plan.main));
  }

  signal(signal: NodeJS.Signals): void {
    if (signal === 'SIGKILL') killCgroup(this.dir(this.plan.main), this.plan.freezer && this.dir(this.plan.freezer));
    else signalCgroup(this.dir(this.plan.main), signal);
  }

  usage(): ResourceUsage {
    return { memoryBytes: this.memoryBytes(), cpuSeconds: this.cpuSeconds(), processes: this.pids().length };
  }

  /** Processes the kernel killed for memory in this cgroup so far. */
  oomKills(): number {
    const h = this.plan.memory;
    if (!h) return 0;
    const file = join(this.dir(h), h.version === 2 ? 'memory.events' : 'memory.oom_control');
    return readKeyed(file, 'oom_kill') ?? 0;
  }

  /** Kills what is left at once (before it first waits), waits for it to go, removes the directories. False if one could not be removed. */
  async remove(): Promise<boolean> {
    this.signal('SIGKILL');
    await waitEmpty(this.dir(this.plan.main), EMPTY_TIMEOUT_MS);
    let ok = true;
    for (const dir of this.dirs.values()) ok = removeCgroupTree(dir) && ok;
    return ok;
  }

  private dir(h: Hierarchy): string {
    return this.dirs.get(h)!;
  }

  /** Resident memory: usage without the inactive page cache (what the kernel reclaims first), as docker stats counts it. */
  private memoryBytes(): number {
    const h = this.plan.memory;
    // No memory controller to ask (v2 without delegation): the resident memory of its processes.
    if (!h) return this.pids().reduce((sum, pid) => sum + (readProc(pid)?.rssPages ?? 0) * PAGE_BYTES, 0);
    const dir = this.dir(h);
    const used = readNumber(join(dir, h.version === 2 ? 'memory.current' : 'memory.usage_in_bytes')) ?? 0;
    const inactive = readKeyed(join(dir, 'memory.stat'), h.version === 2 ? 'inactive_file' : 'total_inactive_file') ?? 0;
    return Math.max(0, used - inactive);
  }

  private cpuSeconds(): number {
    const h = this.plan.cpuTime;
    if (!h) return 0;
    const dir = this.dir(h);
    if (h.version === 2) return (readKeyed(join(dir, 'cpu.stat'), 'usage_usec') ?? 0) / 1e6;
    return (readNumber(join(dir, 'cpuacct.usage')) ?? 0) / 1e9;
  }
}
