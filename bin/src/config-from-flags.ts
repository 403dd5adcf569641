import { ConfigError, isPlugdError, parseConfig, resolveConfig } from '@plugd/supervisor';
import type { SupervisorConfig } from '@plugd/supervisor';
import { pluginNameFor } from './plugin-name.js';
import { splitCommand } from './split-command.js';
import { UsageError } from './usage-error.js';

/**
 * -c FILE, ./plugd.json, or the embedded default; config errors become usage errors (exit 2).
 * `requirePrograms: false` lets a plugin whose program is missing start as `failed` instead.
 */
export function loadConfig(file: string | undefined, options: { requirePrograms?: boolean } = {}): SupervisorConfig {
  try {
    return resolveConfig(file, process.cwd(), options);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(oneLine(error.message), { cause: error });
    throw error;
  }
}

/**
 * `--plugin "node ./x.js"` (repeatable): plugins given on the command line, any command.
 * Each is named after its entry file, package or folder (pluginNameFor); a second plugin
 * with the same name gets "-2" and so on.
 */
export function configFromPluginFlags(commands: readonly string[], cwd = process.cwd()): SupervisorConfig {
  const taken = new Set<string>();
  const plugins = commands.map((command) => {
    const parts = splitCommand(command);
    if (parts.length === 0) throw new UsageError('--plugin needs a command, e.g. --plugin "node ./my-tool/dist/index.js"');
    const base = pluginNameFor(parts, cwd);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return { name, command: parts };
  });
  try {
    return parseConfig({ plugins }, { source: '--plugin', baseDir: cwd });
  } catch (error) {
    if (isPlugdError(error)) throw new UsageError(oneLine(error.message), { cause: error });
    throw error;
  }
}

/** A usage error is one line: several config problems are joined with "; ". */
function oneLine(message: string): string {
  return message.split('\n').join('; ');
}
