import { writeFile } from 'node:fs/promises';

/** A process could not be moved into its cgroup; `gone`: it no longer exists (ESRCH), its exit says why. */
export class CgroupMoveError extends Error {
  constructor(
    message: string,
    readonly gone: boolean,
  ) {
    super(message);
    this.name = 'CgroupMoveError';
  }
}

/**
 * Moves a just-spawned process into a cgroup: its pid into each `cgroup.procs`, one after
 * the other in the order given (the main hierarchy last). Off the event loop: a write
 * waits for the kernel's RCU grace period (the global cgroup_threadgroup_rwsem), 8-20 ms;
 * the next one, right behind it, shares that grace period.
 */
export async function moveIntoCgroup(pid: number, procsFiles: readonly string[]): Promise<void> {
  for (const file of procsFiles) {
    try {
      await writeFile(file, String(pid));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CgroupMoveError(`cannot move the plugin into its cgroup: writing its pid to ${file} failed (${code ?? (error as Error).message})`, code === 'ESRCH');
    }
  }
}
