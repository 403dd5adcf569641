import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { killCgroup, listPids, removeCgroupTree, waitEmpty } from './cgroup-fs.js';
import type { Hierarchy } from './layout.js';
import { readProc } from './proc-table.js';

/** An instance directory is named `<plugd pid>-<its start time>-<n>`: the pair survives pid reuse. */
export function instanceName(seq: number): string {
  return `${process.pid}-${readProc(process.pid)?.startTime ?? 0}-${seq}`;
}

export function ownerAlive(name: string): boolean {
  const match = /^(\d+)-(\d+)-\d+$/.exec(name);
  if (!match) return true; // not ours: never touched
  return readProc(Number(match[1]))?.startTime === Number(match[2]);
}

export interface StaleReport {
  readonly cgroups: number;
  readonly processes: number;
  readonly owners: readonly number[];
  readonly leftBehind: readonly string[];
}

/**
 * The cgroups a dead plugd left behind (it was SIGKILLed, or the machine cut it short):
 * every process in them is killed and the directories removed. Main hierarchy first,
 * so its cgroup.kill does the killing.
 */
export async function cleanStale(hierarchies: readonly Hierarchy[], base: string): Promise<StaleReport> {
  let cgroups = 0;
  let processes = 0;
  const owners = new Set<number>();
  const leftBehind: string[] = [];
  for (const h of hierarchies) {
    const parent = join(h.dir, base);
    let names: string[];
    try {
      names = readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => !ownerAlive(n))) {
      owners.add(Number(name.split('-')[0]));
      const instance = join(parent, name);
      for (const gen of subdirs(instance)) {
        const dir = join(instance, gen);
        const pids = listPids(dir);
        if (h === hierarchies[0]) cgroups += 1;
        if (pids.length === 0) continue;
        processes += pids.length;
        killCgroup(dir);
        await waitEmpty(dir, 5_000);
      }
      if (!removeCgroupTree(instance)) leftBehind.push(instance);
    }
  }
  return { cgroups, processes, owners: [...owners], leftBehind };
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}
