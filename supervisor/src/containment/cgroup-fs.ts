import { existsSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Small synchronous reads and writes of cgroup files (each is a few bytes in a pseudo-fs). */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function readNumber(file: string): number | undefined {
  const text = readText(file)?.trim();
  if (text === undefined || text === '' || text === 'max') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** `key value` lines (memory.stat, memory.events, cpu.stat, memory.oom_control). */
export function readKeyed(file: string, key: string): number | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

export function writeText(file: string, value: string): void {
  writeFileSync(file, value);
}

export function listPids(dir: string): number[] {
  const text = readText(join(dir, 'cgroup.procs'));
  if (!text) return [];
  return text.split('\n').filter(Boolean).map(Number);
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone, or not ours
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Kills every process of a cgroup: `cgroup.kill` (v2, Linux 5.14+) in one write;
 * else frozen (cgroup.freeze, or the v1 freezer) so nothing forks while each pid is
 * SIGKILLed, then thawed so the kills land.
 */
export function killCgroup(mainDir: string, freezerDir?: string): void {
  const killFile = join(mainDir, 'cgroup.kill');
  if (existsSync(killFile)) {
    try {
      writeText(killFile, '1');
      return;
    } catch {
      // fall through to the pid-by-pid kill
    }
  }
  const freeze = existsSync(join(mainDir, 'cgroup.freeze'))
    ? { file: join(mainDir, 'cgroup.freeze'), on: '1', off: '0' }
    : freezerDir
      ? { file: join(freezerDir, 'freezer.state'), on: 'FROZEN', off: 'THAWED' }
      : undefined;
  try {
    if (freeze) writeText(freeze.file, freeze.on);
  } catch {
    // not frozen: the repeated passes below still catch late forks
  }
  for (let pass = 0; pass < 5; pass++) {
    const pids = listPids(mainDir);
    if (pids.length === 0) break;
    for (const pid of pids) send(pid, 'SIGKILL');
  }
  try {
    if (freeze) writeText(freeze.file, freeze.off);
  } catch {
    // the cgroup is being removed
  }
}

/** Signals every process of a cgroup (SIGTERM on a graceful stop). */
export function signalCgroup(mainDir: string, signal: NodeJS.Signals): void {
  for (const pid of listPids(mainDir)) send(pid, signal);
}

/**
 * Whether a cgroup still holds a task. v2 says it in cgroup.events (`populated`), which
 * also counts the threads of a process whose main thread has exited: cgroup.procs no
 * longer lists it, but the cgroup cannot be removed until they are gone too.
 */
function populated(dir: string): boolean {
  const flag = readKeyed(join(dir, 'cgroup.events'), 'populated');
  return flag !== undefined ? flag !== 0 : listPids(dir).length > 0;
}

/** Waits until the cgroup has no process (a SIGKILLed process leaves it as it exits). */
export async function waitEmpty(dir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    if (!populated(dir)) return true;
    if (Date.now() > deadline) return false;
    await sleep(wait);
  }
}

/** Removes a cgroup directory and its child cgroups (deepest first); false if one still has processes. */
export function removeCgroupTree(dir: string): boolean {
  let ok = true;
  let children: string[] = [];
  try {
    children = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  for (const child of children) ok = removeCgroupTree(join(dir, child)) && ok;
  try {
    rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') ok = false;
  }
  return ok;
}
