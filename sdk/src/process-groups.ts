import { writeFileSync } from 'node:fs';
import { Methods } from '@plugd/protocol';
import { signalGroup } from './process-group.js';

/**
 * The process groups this plugin started (a shell, a kernel spawned `detached`).
 * plugd is told about each (`plugd/processGroup`), so that without cgroups it still
 * kills them with the plugin; and the plugin kills them itself if plugd disappears.
 */
const groups = new Set<number>();
let notify: ((method: string, params: unknown) => void) | undefined;

/**
 * Call right after spawning a child `detached` (it leads group `pgid`); call the
 * returned function once it has exited. Safe with an undefined pid (spawn failed).
 */
export function trackProcessGroup(pgid: number | undefined): () => void {
  if (pgid === undefined || pgid <= 1) return () => undefined;
  groups.add(pgid);
  notify?.(Methods.processGroup.method, { pgid, alive: true });
  return () => {
    if (!groups.delete(pgid)) return;
    notify?.(Methods.processGroup.method, { pgid, alive: false });
  };
}

/** Connects the tracker to a server's wire; groups tracked before it are told now. */
export function reportProcessGroupsTo(send: (method: string, params: unknown) => void): void {
  notify = send;
  for (const pgid of groups) send(Methods.processGroup.method, { pgid, alive: true });
}

/** SIGKILLs every tracked group (the plugin is ending with no supervisor to do it). */
export function killTrackedGroups(): void {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  groups.clear();
}

/**
 * plugd started this plugin in a cgroup and handed it that cgroup's kill file; read
 * once and taken out of the environment, so the plugin's own children never inherit
 * it. Only for this very process (the pid must match).
 */
const cgroupKill = (() => {
  const file = process.env['PLUGD_CGROUP_KILL'];
  const pid = process.env['PLUGD_CGROUP_PID'];
  delete process.env['PLUGD_CGROUP_KILL'];
  delete process.env['PLUGD_CGROUP_PID'];
  return file && pid === String(process.pid) ? file : undefined;
})();

/** Kills the plugin's whole cgroup, itself included; false when it has none or may not. */
export function killOwnCgroup(): boolean {
  if (!cgroupKill) return false;
  try {
    writeFileSync(cgroupKill, '1');
    return true;
  } catch {
    return false;
  }
}
