import { execFileSync } from 'node:child_process';

/** The identity a plugin process runs as (resolved from config `user`/`group` or `username`). */
export interface RunAs {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  /** Every group the process has: its gid and the user's supplementary groups. */
  readonly groups: readonly number[];
  readonly home: string;
}

interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/**
 * Looks a user up through NSS (`getent`, so LDAP and the like count), by name or uid.
 * Answers the identity, or why it cannot be used.
 */
export function lookupRunAs(user: string | number, group?: string | number): RunAs | string {
  const entry = getent('passwd', String(user));
  if (!entry) return `user "${user}" does not exist on this machine (getent passwd ${user} found nothing); give an existing user name or uid, e.g. "nobody"`;
  const [name, , uid, gid, , home] = entry.split(':');
  const passwd: PasswdEntry = { name: name!, uid: Number(uid), gid: Number(gid), home: home || '/' };
  let primary = passwd.gid;
  if (group !== undefined) {
    const line = getent('group', String(group));
    if (!line) return `group "${group}" does not exist on this machine (getent group ${group} found nothing); give an existing group name or gid`;
    primary = Number(line.split(':')[2]);
  }
  const supplementary = idGroups(passwd.name);
  return { user: passwd.name, uid: passwd.uid, gid: primary, groups: [...new Set([primary, ...supplementary])], home: passwd.home };
}

function getent(database: 'passwd' | 'group', key: string): string | undefined {
  try {
    const out = execFileSync('getent', [database, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n')[0] || undefined;
  } catch {
    return undefined;
  }
}

function idGroups(name: string): number[] {
  try {
    return execFileSync('id', ['-G', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}

/** Variables that tell programs who they run as: a shell's `~`, `whoami`-like tools, python's expanduser. */
export function identityEnv(runAs: RunAs): Record<string, string> {
  return { HOME: runAs.home, USER: runAs.user, LOGNAME: runAs.user };
}
