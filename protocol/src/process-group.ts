/**
 * Signals a whole process group. A child spawned `detached` leads its own group
 * (pgid = its pid), so one signal reaches everything it started. True when the group
 * exists (also when it is not ours to signal, EPERM); false when it is gone or no pgid
 * is given. Signal 0 only checks. The one function here with a side effect: both the
 * supervisor and plugins (the SDK) signal groups the same way.
 */
export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (pgid === undefined || !Number.isInteger(pgid) || pgid <= 0) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return true;
    if (code === 'ESRCH') return false;
    throw error;
  }
}

export function groupExists(pgid: number | undefined): boolean {
  return signalGroup(pgid, 0);
}
