import type * as ChildProcess from 'node:child_process';
import type * as Fs from 'node:fs';
import type * as Os from 'node:os';

/** Where util-linux puts `chrt`; looked up by full path, not through PATH. */
export const CHRT_PATHS = ['/usr/bin/chrt', '/bin/chrt'] as const;

/**
 * Lowers the calling thread's priority as far as Linux goes (its thread id is read from
 * /proc/thread-self): nice 19, then SCHED_IDLE through `chrt` when it is installed. A
 * SCHED_IDLE thread gives way at once when the event loop wakes; at nice 19 the kernel
 * lets a thread it just picked run on for a while first, and the event loop waited
 * (docs/performance.md). Node has no call for a scheduling policy, hence the one spawn,
 * once per thread; without `chrt` (or on another OS) the thread stays at nice 19, or at
 * what it had. Runs in the write thread from its source text: it reaches only what it is
 * handed.
 */
export function lowerThreadPriority(fs: typeof Fs, os: typeof Os, childProcess: typeof ChildProcess, chrtPaths: readonly string[]): void {
  let tid: number;
  try {
    tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    os.setPriority(tid, 19);
  } catch {
    return;
  }
  for (const chrt of chrtPaths) {
    if (!fs.existsSync(chrt)) continue;
    try {
      childProcess.execFileSync(chrt, ['-i', '-p', '0', String(tid)], { stdio: 'ignore', timeout: 5000 });
    } catch {
      // Not allowed here (a seccomp filter, say): nice 19 it is.
    }
    return;
  }
}
