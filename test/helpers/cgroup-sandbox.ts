/**
 * A unique cgroup folder name per test file (containment.cgroupName), and the suite-level
 * check that nothing was left: in afterAll it looks for that folder in every hierarchy
 * plugd uses; anything found (a cgroup, a process in one) is killed and removed, and the
 * suite fails naming it. Pids a test saw (`track`) must be gone too.
 */
import { existsSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { findHierarchies, planCgroups, planHierarchies } from '@plugd/supervisor';
import type { CgroupPlan } from '@plugd/supervisor';
import { isAlive } from './processes.js';

export function cgroupPlan(): CgroupPlan | undefined {
  const controllers = (dir: string) => (existsSync(join(dir, 'cgroup.controllers')) ? readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/) : []);
  return planCgroups(findHierarchies(readFileSync('/proc/self/mountinfo', 'utf8'), readFileSync('/proc/self/cgroup', 'utf8'), controllers));
}

/** Root and a mounted cgroup tree: the real-cgroup tests run (CI runs as root). */
export const canUseCgroups = process.getuid?.() === 0 && cgroupPlan() !== undefined;

export interface CgroupSandbox {
  readonly name: string;
  /** Directories of the folder in each hierarchy. */
  dirs(): string[];
  /** Pids the tests saw; each must be gone at the end. */
  track(...pids: number[]): void;
}

export function cgroupSandbox(label: string): CgroupSandbox {
  const name = `plugd-test-${label}-${process.pid}`;
  const tracked = new Set<number>();
  const plan = cgroupPlan();
  const dirs = () => (plan ? planHierarchies(plan).map((h) => join(h.dir, name)) : []);
  afterAll(async () => {
    const leftDirs: string[] = [];
    const leftPids = new Set<number>();
    for (const dir of dirs()) collect(dir, leftDirs, leftPids);
    for (const pid of tracked) if (isAlive(pid)) leftPids.add(pid);
    for (const pid of leftPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const dir of leftDirs.sort((a, b) => b.length - a.length)) await removeWhenEmpty(dir);
    if (leftDirs.length > 0 || leftPids.size > 0) {
      throw new Error(`a test left cgroups [${leftDirs.join(', ')}] or processes [${[...leftPids].join(', ')}] behind (now removed)`);
    }
  });
  return { name, dirs, track: (...pids) => pids.forEach((p) => tracked.add(p)) };
}

function collect(dir: string, dirs: string[], pids: Set<number>): void {
  if (!existsSync(dir)) return;
  dirs.push(dir);
  for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) pids.add(Number(line));
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) collect(join(dir, entry.name), dirs, pids);
}

async function removeWhenEmpty(dir: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if (existsSync(join(dir, 'cgroup.kill'))) writeFileSync(join(dir, 'cgroup.kill'), '1');
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
