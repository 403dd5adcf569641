import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GuardedLaunch, LaunchRequest } from './guard.js';
import { moveIntoCgroup } from './move-into-cgroup.js';
import { CGROUP_GATE_ENV, CGROUP_KILL_ENV } from './wrap-command.js';

/**
 * How long the gate holds a plugin that plugd has not moved yet before it gives up
 * (exit 125): plugd's move takes milliseconds, but a loaded machine or a plugd that died
 * just after the spawn must not leave the plugin running outside its cgroup.
 */
export const GATE_WAIT_MS = 10_000;

let found: string | undefined | null = null;

/**
 * The gate file: next to this module in tsc's output (supervisor/dist/containment/), or
 * next to the CLI bundle's chunks (scripts/bundle-cli.mjs copies it there). Undefined
 * when it is not there: then every plugin gets the sh wrapper.
 */
export function nodeGateFile(): string | undefined {
  if (found === null) {
    const file = fileURLToPath(new URL('./node-gate.cjs', import.meta.url));
    found = existsSync(file) ? file : undefined;
  }
  return found;
}

export interface GateTarget {
  readonly gateFile: string;
  /** The cgroup's /proc/<pid>/cgroup entries (Cgroup.memberships). */
  readonly memberships: readonly (readonly [string, string])[];
  /** The cgroup.procs files, main hierarchy last. */
  readonly procsFiles: readonly string[];
  readonly killFile: string | undefined;
}

/**
 * The launch with the Node gate: `--require <gate>` right after node (`command[nodeAt]`),
 * so it is the first preload; its variable says which cgroup to wait for; after the
 * spawn, plugd moves the pid there while Node boots.
 */
export function gatedLaunch(request: LaunchRequest, nodeAt: number, target: GateTarget): GuardedLaunch {
  const command = [...request.command.slice(0, nodeAt + 1), '--require', target.gateFile, ...request.command.slice(nodeAt + 1)];
  const gate = JSON.stringify({ cgroups: target.memberships, waitMs: GATE_WAIT_MS });
  return {
    command,
    env: { ...request.env, [CGROUP_GATE_ENV]: gate, ...(target.killFile ? { [CGROUP_KILL_ENV]: target.killFile } : {}) },
    afterSpawn: (pid) => moveIntoCgroup(pid, target.procsFiles),
  };
}
