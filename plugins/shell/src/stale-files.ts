import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'plugd-shell-';
const OWNED = new RegExp(`^${PREFIX}(\\d+)-`);

/**
 * A path in the temp folder that belongs to process `owner` while it runs:
 * `plugd-shell-<owner>-<rest>` (a command folder is its plugin's, a restart note its
 * supervisor's). sweepStaleFiles removes it once that process is gone.
 */
export function ownedTempPath(owner: number, rest = ''): string {
  return join(tmpdir(), `${PREFIX}${owner}-${rest}`);
}

/**
 * Removes what shell plugins left in `dir` (the temp folder) when their owner is gone: a
 * plugin killed outright never runs its cleanup, so each crash or SIGKILL left its
 * command folder behind, and a supervisor that died left its restart notes. An entry is
 * removed only when the pid in its name is no running process and it belongs to this
 * user; a reused pid keeps an entry until a later sweep. Returns the names removed.
 */
export function sweepStaleFiles(dir: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const owner = OWNED.exec(name)?.[1];
    if (owner === undefined || alive(Number(owner))) continue;
    const path = join(dir, name);
    try {
      if (uid !== undefined && lstatSync(path).uid !== uid) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // someone else's, or gone already
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true; // not a pid: leave it
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
