import { dirname, resolve } from 'node:path';
import { BUILTIN_ACTIONS, BUILTIN_PLUGINS, PLUGIN_PACKAGE_PREFIX, listInstalledPlugins } from '@plugd/supervisor';
import { formatTable } from '../format-table.js';
import { parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const PLUGINS_HELP = `Usage: plugd plugins [-c plugd.json] [--json]

Lists the plugins a config can name with {"name": ...} alone: the built-ins, and the
plugin packages installed where that config would find them (plugd-plugin-* and
@scope/plugd-plugin-* in node_modules of the config file's folder and its parents).
A package is usable when its package.json has a "plugd" field with its "entry".

  -c, --config FILE   look from this config file's folder (default: the current folder)
  --json              one JSON object per plugin instead of a table`;

interface Row {
  name: string;
  from: string;
  actions: readonly string[];
  entry: Record<string, string>;
  dir?: string;
  problem?: string;
}

export async function pluginsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('plugins', args, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${PLUGINS_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`plugins takes no arguments, got "${positionals[0]}"; see 'plugd plugins --help'`);
  const baseDir = values.config ? dirname(resolve(values.config)) : process.cwd();
  const rows: Row[] = BUILTIN_PLUGINS.map((name) => ({ name, from: 'built-in', actions: BUILTIN_ACTIONS[name], entry: { name } }));
  for (const installed of listInstalledPlugins(baseDir)) {
    // A built-in's name alone runs the built-in: such a package needs "package" to be chosen.
    const plain = installed.packageName === `${PLUGIN_PACKAGE_PREFIX}${installed.name}` && !(BUILTIN_PLUGINS as readonly string[]).includes(installed.name);
    const entry: Record<string, string> = plain ? { name: installed.name } : { name: installed.name, package: installed.packageName };
    if ('found' in installed.discovery) {
      const { found } = installed.discovery;
      rows.push({ name: installed.name, from: `${found.packageName}@${found.version}`, actions: found.actions, entry, dir: found.dir });
    } else {
      rows.push({ name: installed.name, from: installed.packageName, actions: [], entry, dir: installed.dir, problem: installed.discovery.problem });
    }
  }
  if (values.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return 0;
  }
  const table = rows.map((r) => [r.name, r.from, r.actions.join(',') || '-', r.problem ? 'NOT USABLE (below)' : JSON.stringify(r.entry)]);
  process.stdout.write(formatTable(['NAME', 'FROM', 'ACTIONS', 'IN plugd.json'], table));
  const broken = rows.filter((r) => r.problem);
  for (const row of broken) process.stdout.write(`${row.from}: ${row.problem}\n`);
  if (rows.length === BUILTIN_PLUGINS.length) process.stdout.write(`(no plugd-plugin-* packages installed from ${baseDir}; npm install one there, or write one: plugd new NAME)\n`);
  return 0;
}
