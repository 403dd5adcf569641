import { ConfigError, isPlugdError, parseConfig, resolveConfig } from '@plugd/supervisor';
import type { SupervisorConfig } from '@plugd/supervisor';
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

/** `--plugin "node ./x.js"` (repeatable): plugins given on the command line, named after their file. */
export function configFromPluginFlags(commands: readonly string[]): SupervisorConfig {
  const plugins = commands.map((command, i) => {
    const parts = command.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) throw new UsageError('--plugin needs a command, e.g. --plugin "node ./my-tool/dist/index.js"');
    const last = parts[parts.length - 1]!;
    const base = last.split('/').pop()!.replace(/\.[a-z]+$/i, '').replace(/[^a-z0-9_-]/gi, '-') || 'plugin';
    const name = base === 'index' ? (last.split('/').slice(-3, -2)[0] ?? `plugin${i + 1}`).replace(/[^a-z0-9_-]/gi, '-') : base;
    return { name: commands.length > 1 ? `${name}-${i + 1}` : name, command: parts };
  });
  try {
    return parseConfig({ plugins }, { source: '--plugin', baseDir: process.cwd() });
  } catch (error) {
    if (isPlugdError(error)) throw new UsageError(oneLine(error.message), { cause: error });
    throw error;
  }
}

/** A usage error is one line: several config problems are joined with "; ". */
function oneLine(message: string): string {
  return message.split('\n').join('; ');
}
