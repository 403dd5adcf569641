import type { RunAs } from '../security/run-as.js';
import type { NodePermissionOptions } from '../security/node-permissions.js';

/** What is spawned for a plugin: the program and its arguments. */
export interface SpawnCommand {
  readonly file: string;
  readonly args: readonly string[];
}

export interface SpawnCommandOptions {
  /** The plugin's command as configured (normalized): [program, ...args]. */
  readonly command: readonly string[];
  /** Run as this user instead of plugd's own (plugd must be root). */
  readonly runAs?: RunAs;
  /** Node's permission model, for a Node plugin (`command[0]` is node). */
  readonly nodePermissions?: NodePermissionOptions;
}

/** util-linux; found on PATH when the config is loaded (a missing setpriv is a config error). */
export const SETPRIV = 'setpriv';

/**
 * Pure: the command line that starts a plugin. Node permission flags go right after
 * the node program; a `runAs` wraps the whole in `setpriv`, which sets the uid, gid
 * and supplementary groups and then execs the plugin (same pid, same process group):
 * Node's own spawn `uid`/`gid` options would drop the supplementary groups. Other
 * wrappers (cgroups, taskset) can take this result as their own command.
 */
export function spawnCommand(options: SpawnCommandOptions): SpawnCommand {
  const [program, ...rest] = options.command;
  if (program === undefined) throw new Error('a plugin command needs at least a program');
  const command = options.nodePermissions ? [program, ...nodePermissionArgs(options.nodePermissions), ...rest] : [program, ...rest];
  if (!options.runAs) return { file: command[0]!, args: command.slice(1) };
  return { file: SETPRIV, args: [...setprivArgs(options.runAs), '--', ...command] };
}

export function setprivArgs(runAs: RunAs): string[] {
  return [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, `--groups=${runAs.groups.join(',')}`];
}

/** `--permission` (or Node 20's `--experimental-permission`) and one grant flag per path. */
export function nodePermissionArgs(p: NodePermissionOptions): string[] {
  return [
    p.flag,
    // Node 20 prints an ExperimentalWarning line on every start: noise in the plugin's log.
    ...(p.flag === '--experimental-permission' ? ['--disable-warning=ExperimentalWarning'] : []),
    ...p.fsRead.map((path) => `--allow-fs-read=${path}`),
    ...p.fsWrite.map((path) => `--allow-fs-write=${path}`),
    ...(p.childProcess ? ['--allow-child-process'] : []),
    ...(p.worker ? ['--allow-worker'] : []),
  ];
}
