// CPU pinning. The measuring parent runs on CPU 0 (run.js starts every figure under
// `taskset -c 0`); children go on CPU 0 ("same CPU") or CPU 1 ("split").
import { execFileSync } from 'node:child_process';

export const PARENT_CPU = '0';
export const PLACEMENTS = { same: '0', split: '1' };
export const PLACEMENT_LABEL = { same: 'same CPU', split: 'split' };

/** `argv` run under `taskset -c cpu` (taskset execs, so the pid is the program's own). */
export function pinned(cpu, argv) {
  return cpu === undefined ? argv : ['taskset', '-c', String(cpu), ...argv];
}

/** This process's CPU list as taskset reports it, e.g. "0". */
export function ownAffinity() {
  try {
    const out = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
    return out.split(':').pop().trim();
  } catch {
    return 'unknown (no taskset)';
  }
}
