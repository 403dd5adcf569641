import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

export type PermissionFlag = '--permission' | '--experimental-permission';

/** Node's permission model for one plugin, normalized: absolute paths, the flag this node takes. */
export interface NodePermissionOptions {
  readonly flag: PermissionFlag;
  /** Granted reads: the config's `fsRead` plus the plugin's own entry file and its dependencies. */
  readonly fsRead: readonly string[];
  readonly fsWrite: readonly string[];
  readonly childProcess: boolean;
  readonly worker: boolean;
}

const flags = new Map<string, PermissionFlag | undefined>();

/**
 * The permission flag this node binary takes, asked once per binary: `--permission` on
 * newer Node, `--experimental-permission` on Node 20 (where `--permission` is a bad option).
 */
export function permissionFlag(node: string): PermissionFlag | undefined {
  if (!flags.has(node)) {
    const works = (flag: PermissionFlag) => {
      try {
        execFileSync(node, [flag, '--disable-warning=ExperimentalWarning', '-e', '0'], { stdio: 'ignore', timeout: 10_000 });
        return true;
      } catch {
        return false;
      }
    };
    flags.set(node, works('--permission') ? '--permission' : works('--experimental-permission') ? '--experimental-permission' : undefined);
  }
  return flags.get(node);
}

/** True when `program` is a Node binary (the permission model applies only to those). */
export function isNodeProgram(program: string): boolean {
  return program === process.execPath || /^node(js)?(\d+(\.\d+)*)?$/.test(basename(program));
}

/**
 * What a Node plugin must read just to load: its entry file, its package (the nearest
 * folder with a package.json) and the code it imports: every node_modules folder from
 * the package up, and, for dependencies linked from elsewhere (pnpm workspaces), the
 * real folders they link to, and theirs in turn.
 */
export function loadGrants(entry: string): string[] {
  const grants = new Set<string>([real(entry)]);
  const queue = [packageRoot(real(entry))].filter((dir): dir is string => dir !== undefined);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    if (seen.has(pkg)) continue;
    seen.add(pkg);
    grants.add(pkg);
    for (const modules of nodeModulesAbove(pkg)) {
      if (seen.has(modules)) continue;
      seen.add(modules);
      grants.add(modules);
      for (const target of linkedPackages(modules)) if (!covered(target, grants)) queue.push(target);
    }
  }
  return [...grants].filter((path) => ![...grants].some((other) => other !== path && path.startsWith(other + sep)));
}

function packageRoot(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const modules = join(d, 'node_modules');
    if (existsSync(modules)) found.push(real(modules));
    if (dirname(d) === d) return found;
  }
}

/** Real folders of the symlinked packages directly in a node_modules folder (scoped ones too). */
function linkedPackages(modules: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (name.startsWith('@') && depth === 0) visit(path, 1);
      else if (isLink(path)) out.push(real(path));
    }
  };
  visit(modules, 0);
  return out;
}

function covered(path: string, grants: Set<string>): boolean {
  for (const grant of grants) if (path === grant || path.startsWith(grant + sep)) return true;
  return false;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
