import { readdirSync, readFileSync } from 'node:fs';

/** One line of /proc/<pid>/stat, the fields containment needs. */
export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly state: string;
  /** utime + stime, in clock ticks. */
  readonly cpuTicks: number;
  /** cutime + cstime: reaped children's CPU time, in clock ticks. */
  readonly childCpuTicks: number;
  readonly rssPages: number;
  /** Clock ticks after boot: with the pid, identifies a process across pid reuse. */
  readonly startTime: number;
}

/** Linux's USER_HZ and page size are 100 and 4096 on every architecture Node runs on here. */
export const CLOCK_TICKS_PER_SECOND = 100;
export const PAGE_BYTES = 4096;

export function parseStat(text: string): ProcEntry | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
  const f = text.slice(close + 2).split(' ');
  if (f.length < 22) return undefined;
  return {
    pid,
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    state: f[0]!,
    cpuTicks: Number(f[11]) + Number(f[12]),
    childCpuTicks: Number(f[13]) + Number(f[14]),
    startTime: Number(f[19]),
    rssPages: Number(f[21]),
  };
}

export function readProc(pid: number): ProcEntry | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every live process now (zombies left out: they hold no memory and cannot be killed twice). */
export function scanProcs(): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const entry = readProc(Number(name));
    if (entry && entry.state !== 'Z') table.set(entry.pid, entry);
  }
  return table;
}

let recent: { at: number; table: Map<number, ProcEntry> } | undefined;

/** scanProcs() shared for `maxAgeMs`: status and /metrics ask for every plugin's usage at once. Never for a kill. */
export function scanProcsRecent(maxAgeMs = 250): Map<number, ProcEntry> {
  const now = Date.now();
  if (!recent || now - recent.at > maxAgeMs || now < recent.at) recent = { at: now, table: scanProcs() };
  return recent.table;
}

/**
 * The tree of `root`: its descendants by parent link, plus every process in one of
 * `groups` (a group the plugin started and told plugd about, whose members may have
 * been reparented). Never plugd itself or its ancestors.
 */
export function treeOf(table: ReadonlyMap<number, ProcEntry>, root: number, groups: ReadonlySet<number> = new Set()): ProcEntry[] {
  const children = new Map<number, number[]>();
  for (const entry of table.values()) {
    const list = children.get(entry.ppid);
    if (list) list.push(entry.pid);
    else children.set(entry.ppid, [entry.pid]);
  }
  const found = new Set<number>();
  const stack = [root];
  for (const entry of table.values()) if (groups.has(entry.pgrp) || entry.pgrp === root) stack.push(entry.pid);
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (found.has(pid) || !table.has(pid)) continue;
    found.add(pid);
    for (const child of children.get(pid) ?? []) stack.push(child);
  }
  for (const pid of protectedPids(table)) found.delete(pid);
  return [...found].map((pid) => table.get(pid)!);
}

/** plugd and its ancestors: never signalled, whatever a plugin claims. */
function protectedPids(table: ReadonlyMap<number, ProcEntry>): Set<number> {
  const out = new Set<number>([1]);
  let pid: number | undefined = process.pid;
  while (pid !== undefined && pid > 1 && !out.has(pid)) {
    out.add(pid);
    pid = table.get(pid)?.ppid;
  }
  return out;
}

/** True when `pid` descends from `ancestor` in `table`. */
export function descendsFrom(table: ReadonlyMap<number, ProcEntry>, pid: number, ancestor: number): boolean {
  let current = table.get(pid);
  for (let hops = 0; current && hops < 4096; hops++) {
    if (current.pid === ancestor) return true;
    current = table.get(current.ppid);
  }
  return false;
}
