import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { ConfigError, PLUGIN_PACKAGE_PREFIX, isPlugdError, loadConfigFile, parseConfig, readPluginPackage } from '@plugd/supervisor';
import type { SupervisorConfig } from '@plugd/supervisor';
import { configFromPluginFlags } from '../config-from-flags.js';
import { UsageError } from '../usage-error.js';

export interface DevTarget {
  readonly config: SupervisorConfig;
  /** A project with a build step (TypeScript): rebuild when `sources` change; the plugin reloads on the build's output. */
  readonly build?: { readonly dir: string; readonly sources: string };
}

/**
 * What `plugd dev PATH` runs, always watched:
 * - a folder with a plugd.json (what `plugd new` writes): that config;
 * - a folder whose package.json has a "plugd" field: that package's entry;
 * - a file: run on node (.js/.mjs/.cjs) or python3 (.py), or as an executable;
 * - anything else: a command line, e.g. "python3 ./tool.py".
 * A folder with a package.json "build" script and a src/ folder is rebuilt on save.
 */
export function devTarget(path: string): DevTarget {
  const full = resolve(path);
  if (existsSync(full) && statSync(full).isDirectory()) return folderTarget(full);
  if (existsSync(full) && statSync(full).isFile()) return { config: commandConfig(`${interpreterFor(full)}${full}`) };
  return { config: commandConfig(path) };
}

function folderTarget(dir: string): DevTarget {
  const configFile = join(dir, 'plugd.json');
  const pkgFile = join(dir, 'package.json');
  const pkg = existsSync(pkgFile) ? (readJson(pkgFile) as { name?: string; plugd?: unknown; scripts?: Record<string, string> }) : undefined;
  const build = pkg?.scripts?.['build'] && existsSync(join(dir, 'src')) ? { dir, sources: join(dir, 'src') } : undefined;
  if (existsSync(configFile)) {
    loadConfigFile(configFile); // its errors, with line and column, before we touch it
    const raw = readJson(configFile) as { plugins: Record<string, unknown>[] };
    const plugins = raw.plugins.map((p) => (p['watch'] ? p : { ...p, watch: true }));
    return { config: parse({ ...raw, plugins }, configFile, dir), ...(build ? { build } : {}) };
  }
  if (pkg?.plugd !== undefined) {
    const packageName = pkg.name ?? basename(dir);
    const discovery = readPluginPackage(packageName, dir);
    if ('problem' in discovery) throw new UsageError(discovery.problem);
    const name = packageName.slice(packageName.lastIndexOf('/') + 1).replace(PLUGIN_PACKAGE_PREFIX, '');
    const plugin = { name, command: discovery.found.command, actions: [...discovery.found.actions], config: discovery.found.config, watch: true };
    return { config: parse({ plugins: [plugin] }, pkgFile, dir), ...(build ? { build } : {}) };
  }
  throw new UsageError(`${dir} has no plugd.json and no package.json with a "plugd" field; give a plugin folder made by 'plugd new', a file, or a command, e.g. plugd dev "python3 ./tool.py"`);
}

/** A command line, named as `plugd exec --plugin` names it, watched. */
function commandConfig(command: string): SupervisorConfig {
  const [plugin] = configFromPluginFlags([command]).plugins;
  return parse({ plugins: [{ name: plugin!.name, command: command.trim().split(/\s+/), watch: true }] }, 'plugd dev', process.cwd());
}

function parse(raw: unknown, source: string, baseDir: string): SupervisorConfig {
  try {
    return parseConfig(raw, { source, baseDir });
  } catch (error) {
    if (error instanceof ConfigError || isPlugdError(error)) throw new UsageError(error.message.split('\n').join('; '), { cause: error });
    throw error;
  }
}

function interpreterFor(file: string): string {
  const ext = extname(file);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return 'node ';
  if (ext === '.py') return 'python3 ';
  return '';
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
