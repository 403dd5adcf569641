import { isAbsolute, resolve } from 'node:path';
import { SETPRIV } from '../process/spawn-command.js';
import { isNodeProgram, loadGrants, permissionFlag } from '../security/node-permissions.js';
import type { NodePermissionOptions } from '../security/node-permissions.js';
import { lookupRunAs } from '../security/run-as.js';
import type { RunAs } from '../security/run-as.js';
import type { ConfigProblem } from './config-error.js';
import { findExecutable } from './find-executable.js';
import type { PlugdConfigFile, PluginConfigFile } from './schema.js';
import type { PluginOptions } from './types.js';

/** Built-ins that act for the agent (commands, files, code): they run as `username` under root. */
export const USER_BUILTINS = ['shell', 'files', 'python'] as const;

interface Where {
  /** JSON path of the plugin entry, e.g. `plugins[2]`. */
  readonly at: string;
  readonly baseDir: string;
  readonly problems: ConfigProblem[];
}

type Security = Pick<PluginOptions, 'runAs' | 'nodePermissions' | 'sha256'>;

/** Normalizes a plugin's `user`/`group`, `permissions` and `sha256`; each problem names the plugin. */
export function securityOptions(file: PlugdConfigFile, plugin: PluginConfigFile, normalized: PluginOptions, where: Where): Security {
  const runAs = normalizeRunAs(file, plugin, normalized, where);
  const nodePermissions = normalizePermissions(plugin, normalized, where);
  return { ...(runAs ? { runAs } : {}), ...(nodePermissions ? { nodePermissions } : {}), sha256: normalizePins(plugin, normalized, where) };
}

function normalizeRunAs(file: PlugdConfigFile, plugin: PluginConfigFile, normalized: PluginOptions, { at, problems }: Where): RunAs | undefined {
  const root = process.getuid?.() === 0;
  const fromUsername = plugin.user === undefined && normalized.builtin && (USER_BUILTINS as readonly string[]).includes(plugin.name) && root ? file.username : undefined;
  const spec = plugin.user ?? fromUsername;
  if (spec === undefined) {
    if (plugin.group !== undefined) problems.push({ path: `${at}.group`, message: `plugin "${plugin.name}": "group" needs "user" too, e.g. "user": "nobody", "group": "${plugin.group}"` });
    return undefined;
  }
  const path = plugin.user !== undefined ? `${at}.user` : 'username';
  const found = lookupRunAs(spec, plugin.group);
  if (typeof found === 'string') {
    problems.push({ path: plugin.group !== undefined && found.startsWith('group') ? `${at}.group` : path, message: `plugin "${plugin.name}" ${plugin.user !== undefined ? 'is to run as' : 'runs as "username" (built-ins do under root)'}: ${found}` });
    return undefined;
  }
  // Already that identity: nothing to change, no wrapper.
  if (found.uid === process.getuid?.() && found.gid === process.getgid?.()) return undefined;
  if (!root) {
    problems.push({ path, message: `plugin "${plugin.name}": running it as user ${found.user} needs plugd to run as root (it runs as uid ${process.getuid?.()}); remove "user" or start plugd as root` });
    return undefined;
  }
  if (!findExecutable(SETPRIV, normalized.cwd, normalized.env['PATH'] ?? process.env['PATH'])) {
    problems.push({ path, message: `plugin "${plugin.name}": running it as another user needs ${SETPRIV} (util-linux) on PATH; install util-linux or remove "user"` });
    return undefined;
  }
  return found;
}

function normalizePermissions(plugin: PluginConfigFile, normalized: PluginOptions, { at, baseDir, problems }: Where): NodePermissionOptions | undefined {
  const p = plugin.permissions;
  if (!p) return undefined;
  const program = normalized.command[0]!;
  if (!isNodeProgram(program)) {
    problems.push({ path: `${at}.permissions`, message: `plugin "${plugin.name}": "permissions" is Node's permission model, for Node plugins; its program is ${program}. Remove "permissions" or run it with ["node", ...]` });
    return undefined;
  }
  const flag = permissionFlag(program);
  if (!flag) {
    problems.push({ path: `${at}.permissions`, message: `plugin "${plugin.name}": ${program} takes neither --permission nor --experimental-permission; use Node >= 20` });
    return undefined;
  }
  const abs = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const own = normalized.entry ? loadGrants(normalized.entry) : [];
  return { flag, fsRead: [...new Set([...own, ...(p.fsRead ?? []).map(abs)])], fsWrite: (p.fsWrite ?? []).map(abs), childProcess: p.childProcess ?? false, worker: p.worker ?? false };
}

function normalizePins(plugin: PluginConfigFile, normalized: PluginOptions, { at, baseDir, problems }: Where): Record<string, string> {
  const pin = plugin.sha256;
  if (pin === undefined) return {};
  if (typeof pin === 'string') {
    if (normalized.entry) return { [normalized.entry]: pin.toLowerCase() };
    problems.push({ path: `${at}.sha256`, message: `plugin "${plugin.name}": one digest pins the entry file, and plugd cannot tell which file that is; give a map, e.g. {"./tool.py": "<sha256>"}` });
    return {};
  }
  return Object.fromEntries(Object.entries(pin).map(([path, digest]) => [isAbsolute(path) ? path : resolve(baseDir, path), digest.toLowerCase()]));
}
