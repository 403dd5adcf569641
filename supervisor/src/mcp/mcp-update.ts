import type { McpStdioServer, UpdateMcpServerAnswer } from '@plugd/protocol';
import { parseConfig } from '../config/parse-config.js';
import type { PluginOptions } from '../config/types.js';
import { errorMessage } from '../errors.js';
import type { Supervisor } from '../supervisor.js';

const SOURCE = 'POST /update_mcp_server';

/** Supervisor calls an update needs (a narrow seam, so the policy below stays testable). */
export type McpUpdateHost = Pick<Supervisor, 'mcpServers' | 'pluginOptions' | 'addPlugin' | 'removePlugin' | 'config' | 'plugin'>;

/**
 * Sets the stdio MCP servers to `servers` (OpenHands' `update_mcp_server`): new ones
 * start, missing ones stop, unchanged ones keep running (a changed command or env is a
 * stop and a start). Resolves once each new server serves or failed its first start;
 * every failure is one line of `router_error_log`, and the others still apply.
 */
export async function applyMcpUpdate(host: McpUpdateHost, servers: readonly McpStdioServer[]): Promise<UpdateMcpServerAnswer> {
  const errors: string[] = [];
  const wanted = new Map<string, PluginOptions>();
  for (const server of servers) {
    if (wanted.has(server.name)) {
      errors.push(`${server.name}: listed twice; the first entry is used`);
      continue;
    }
    const existing = host.pluginOptions(server.name);
    if (existing && existing.protocol !== 'mcp') {
      errors.push(`${server.name}: a plugd plugin has that name; give the MCP server another name`);
      continue;
    }
    try {
      const config = parseConfig(
        { plugins: [{ name: server.name, protocol: 'mcp', command: [server.command, ...server.args], env: server.env }] },
        { source: SOURCE, baseDir: host.config.baseDir },
      );
      wanted.set(server.name, config.plugins[0]!);
    } catch (error) {
      errors.push(`${server.name}: ${errorMessage(error)}`);
    }
  }
  const running = new Set(host.mcpServers().map((s) => s.name));
  const removals: Promise<void>[] = [];
  const additions: { name: string; options: PluginOptions }[] = [];
  for (const name of running) {
    const next = wanted.get(name);
    if (next && sameProcess(host.pluginOptions(name), next)) continue;
    removals.push(host.removePlugin(name).catch((error: unknown) => void errors.push(`${name}: stopping it failed: ${errorMessage(error)}`)));
    if (next) additions.push({ name, options: next });
  }
  for (const [name, options] of wanted) if (!running.has(name)) additions.push({ name, options });
  await Promise.all(removals);
  await Promise.all(
    additions.map(async ({ name, options }) => {
      try {
        const ok = await host.addPlugin(options);
        if (!ok) errors.push(`${name}: failed to start: ${host.plugin(name)?.lastError ?? 'unknown reason'} (plugd retries it with backoff; see GET /plugins/${name})`);
      } catch (error) {
        errors.push(`${name}: ${errorMessage(error)}`);
      }
    }),
  );
  return { detail: 'MCP server updated successfully', router_error_log: errors.join('\n') };
}

function sameProcess(a: PluginOptions | undefined, b: PluginOptions): boolean {
  return !!a && JSON.stringify([a.command, a.env, a.cwd]) === JSON.stringify([b.command, b.env, b.cwd]);
}
