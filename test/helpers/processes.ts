/** Process checks shared by the test helpers. */
import { readFileSync } from 'node:fs';

/**
 * True while `pid` is a live process: process.kill(pid, 0) does not throw ESRCH (EPERM
 * means it exists), and it is not a zombie (killed, not yet reaped: the container's init
 * may be slow to reap orphans).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); // "pid (comm) S ...": S is the state
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false; // gone between the two checks
  }
}
