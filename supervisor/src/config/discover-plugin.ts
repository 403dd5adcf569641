import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import * as z from 'zod';
import { formatZodIssues } from '@plugd/protocol';
import { BUILTIN_PLUGINS } from './builtins.js';

/** The npm package a config entry `{"name": "foo"}` that is not a built-in stands for. */
export const PLUGIN_PACKAGE_PREFIX = 'plugd-plugin-';

/** The `plugd` field of a plugin package's package.json. */
export const PluginManifestSchema = z.strictObject({
  /** The executable, relative to the package folder: `.js`/`.mjs`/`.cjs` run on plugd's Node, `.py` on python3. */
  entry: z.string().min(1),
  /** Action types it handles, routed to it before it has started (as a config entry's `actions`). */
  actions: z.array(z.string().min(1)).optional(),
  /** Default `config` handed to `initialize`; the config entry's own keys win. */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type PluginManifest = z.infer<typeof PluginManifestSchema>;

export interface DiscoveredPlugin {
  readonly packageName: string;
  readonly version: string;
  /** The package's folder (absolute). */
  readonly dir: string;
  readonly command: string[];
  readonly actions: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
}

export type Discovery = { readonly found: DiscoveredPlugin } | { readonly problem: string };

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/**
 * Finds an installed plugin package the way Node finds a dependency: in `node_modules` of
 * the config file's folder, then of each parent folder. Never runs anything.
 */
export function discoverPlugin(name: string, packageName: string | undefined, baseDir: string): Discovery {
  const wanted = packageName ?? `${PLUGIN_PACKAGE_PREFIX}${name}`;
  if (!PACKAGE_NAME.test(wanted) || wanted.split('/').some((part) => part === '.' || part === '..')) {
    return { problem: `"${wanted}" is not an npm package name; e.g. "package": "@my-scope/plugd-plugin-${name}"` };
  }
  const searched = nodeModulesFolders(baseDir);
  const dir = searched.map((folder) => join(folder, wanted)).find((candidate) => existsSync(join(candidate, 'package.json')));
  if (!dir) {
    const where = searched.join(', ');
    const install = `npm install ${wanted} next to the config file (it is not in ${where})`;
    return {
      problem: packageName
        ? `plugin package "${wanted}" is not installed; ${install}`
        : `unknown built-in plugin "${name}"; built-ins are ${BUILTIN_PLUGINS.join(', ')}. To run your own plugin give "command", e.g. ["node", "./my-tool/dist/index.js"], or ${install}`,
    };
  }
  return readPluginPackage(wanted, dir);
}

/** The `plugd` field of an installed package, checked: an entry inside the package that exists. */
export function readPluginPackage(packageName: string, dir: string): Discovery {
  const manifestFile = join(dir, 'package.json');
  let pkg: { version?: unknown; plugd?: unknown };
  try {
    pkg = JSON.parse(readFileSync(manifestFile, 'utf8')) as typeof pkg;
  } catch (error) {
    return { problem: `cannot read ${manifestFile} (${(error as Error).message})` };
  }
  if (pkg.plugd === undefined) {
    return { problem: `${packageName} (${dir}) is not a plugd plugin package: its package.json has no "plugd" field, e.g. "plugd": {"entry": "dist/index.js", "actions": ["my_action"]}` };
  }
  const parsed = PluginManifestSchema.safeParse(pkg.plugd);
  if (!parsed.success) return { problem: `${manifestFile}: the "plugd" field is wrong: ${formatZodIssues(parsed.error, 'plugd')}` };
  const manifest = parsed.data;
  const entry = resolve(dir, manifest.entry);
  const inside = relative(dir, entry);
  if (isAbsolute(manifest.entry) || inside.startsWith('..') || inside === '') {
    return { problem: `${manifestFile}: plugd.entry "${manifest.entry}" must be a file inside the package, e.g. "dist/index.js"` };
  }
  if (!isFile(entry)) {
    return { problem: `${packageName}'s entry ${entry} does not exist (plugd.entry "${manifest.entry}"); was the package built before it was installed?` };
  }
  return {
    found: {
      packageName,
      version: typeof pkg.version === 'string' ? pkg.version : '?',
      dir,
      command: commandFor(entry),
      actions: manifest.actions ?? [],
      config: manifest.config ?? {},
    },
  };
}

export interface InstalledPlugin {
  /** The config entry that runs it: `{"name": "foo"}`, or with `"package"` when the name does not say it. */
  readonly name: string;
  readonly packageName: string;
  readonly dir: string;
  readonly discovery: Discovery;
}

/** Every `plugd-plugin-*` and `@scope/plugd-plugin-*` package installed where a config in `baseDir` would look; the nearest wins. */
export function listInstalledPlugins(baseDir: string): InstalledPlugin[] {
  const seen = new Map<string, InstalledPlugin>();
  for (const folder of nodeModulesFolders(baseDir)) {
    for (const packageName of pluginPackagesIn(folder)) {
      if (seen.has(packageName)) continue;
      const dir = join(folder, packageName);
      const name = packageName.slice(packageName.lastIndexOf('/') + 1).slice(PLUGIN_PACKAGE_PREFIX.length);
      seen.set(packageName, { name, packageName, dir, discovery: readPluginPackage(packageName, dir) });
    }
  }
  return [...seen.values()];
}

function pluginPackagesIn(folder: string): string[] {
  const names: string[] = [];
  for (const entry of safeReaddir(folder)) {
    if (entry.startsWith(PLUGIN_PACKAGE_PREFIX)) names.push(entry);
    else if (entry.startsWith('@')) {
      for (const scoped of safeReaddir(join(folder, entry))) if (scoped.startsWith(PLUGIN_PACKAGE_PREFIX)) names.push(`${entry}/${scoped}`);
    }
  }
  return names.filter((name) => existsSync(join(folder, name, 'package.json'))).sort();
}

/** `<dir>/node_modules` for `baseDir` and each of its parents, nearest first (as Node resolves). */
function nodeModulesFolders(baseDir: string): string[] {
  const folders: string[] = [];
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    if (!dir.endsWith(`${sep}node_modules`)) folders.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) return folders;
  }
}

function commandFor(entry: string): string[] {
  const ext = extname(entry);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return [process.execPath, entry];
  if (ext === '.py') return ['python3', entry];
  return [entry];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
