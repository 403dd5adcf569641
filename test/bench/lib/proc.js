// Reading a process's memory from /proc.
import { readFileSync, readdirSync } from 'node:fs';

function fields(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Unique set size in KiB: Private_Clean + Private_Dirty from smaps_rollup. */
export function ussKiB(pid) {
  const f = fields(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return f.Private_Clean + f.Private_Dirty;
}

/** Resident set size in KiB (VmRSS). */
export function rssKiB(pid = process.pid) {
  return fields(readFileSync(`/proc/${pid}/status`, 'utf8')).VmRSS;
}

export function fdCount(pid = process.pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Full GC a few times (the figure runs with --expose-gc) so RSS reflects live memory. */
export async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(50);
  }
}
