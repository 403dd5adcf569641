/**
 * Signals a whole process group (a child spawned `detached` leads its own), so whatever
 * the child started goes too. Returns false when the group is already gone.
 */
export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // gone (ESRCH), or not ours
  }
}
