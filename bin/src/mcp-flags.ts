import { isPlugdError, parseConfig } from '@plugd/supervisor';
import type { PluginOptions, SupervisorConfig } from '@plugd/supervisor';
import { UsageError } from './usage-error.js';

/**
 * `--mcp CMD` (repeatable): stdio MCP servers given on the command line, named after
 * their package or file ("@modelcontextprotocol/server-memory" -> "server-memory").
 */
export function mcpPluginsFromFlags(commands: readonly string[], requirePrograms = true): PluginOptions[] {
  const seen = new Map<string, number>();
  const plugins = commands.map((command) => {
    const parts = command.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) throw new UsageError('--mcp needs a command, e.g. --mcp "npx -y @modelcontextprotocol/server-memory"');
    const main = [...parts].reverse().find((p) => !p.startsWith('-') && !/^(stdio|serve|run|start)$/.test(p)) ?? parts[0]!;
    const base = serverName(main);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return { name: count > 1 ? `${base}-${count}` : base, protocol: 'mcp' as const, command: parts };
  });
  try {
    return [...parseConfig({ plugins }, { source: '--mcp', baseDir: process.cwd(), requirePrograms }).plugins];
  } catch (error) {
    if (isPlugdError(error)) throw new UsageError(error.message.split('\n').join('; '), { cause: error });
    throw error;
  }
}

/** The config with the `--mcp` servers added (a missing program is a usage error unless `requirePrograms` is false, as `plugd start` without --strict);  a name taken by a configured plugin is a usage error. */
export function withMcpServers(config: SupervisorConfig, commands: readonly string[] | undefined, requirePrograms = true): SupervisorConfig {
  if (!commands || commands.length === 0) return config;
  const added = mcpPluginsFromFlags(commands, requirePrograms);
  for (const plugin of added) {
    if (config.plugins.some((p) => p.name === plugin.name)) throw new UsageError(`--mcp server "${plugin.name}" has the name of a configured plugin; rename one of them in the config`);
  }
  return { ...config, plugins: [...config.plugins, ...added] };
}

const GENERIC = /^(index|main|cli|server|dist|build|lib|src|bin)$/i;

/** "@scope/server-x@1.2" -> "server-x"; ".../server-x/dist/index.js" -> "server-x". */
function serverName(main: string): string {
  const parts = main.replace(/@[^/@]*$/, '').split('/').map((p) => p.replace(/\.[a-z]+$/i, '')).filter(Boolean);
  const meaningful = [...parts].reverse().find((p) => !GENERIC.test(p)) ?? parts.at(-1) ?? 'mcp';
  return meaningful.replace(/[^a-z0-9_-]/gi, '-').replace(/^[-_]+/, '') || 'mcp';
}
