/**
 * Plugins are spawned detached, so each leads its own process group (pgid = pid)
 * and one signal reaches every child and grandchild it started.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true; // exists, but not ours to signal
    throw error;
  }
}

export function groupExists(pid: number): boolean {
  return signalGroup(pid, 0);
}
