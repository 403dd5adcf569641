import type { ToolInfo } from '../process/protocol-session.js';

/** One MCP server as the router sees it: its name and the tools it lists (none while unknown). */
export interface ToolServer {
  readonly name: string;
  readonly tools: readonly ToolInfo[] | undefined;
}

export type ToolRoute =
  | { readonly kind: 'found'; readonly server: string; readonly tool: string }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[] }
  | { readonly kind: 'unknown'; readonly exposed: readonly string[] };

/**
 * Tool names as OpenHands' MCP proxy exposes them: the bare name with one server,
 * `<server>_<tool>` with several. Policy, pure: `<server>_<tool>` always resolves to that
 * server (even while it restarts and its tools are not known); a bare name resolves when
 * exactly one server has it.
 */
export function exposedName(server: string, tool: string, serverCount: number): string {
  return serverCount > 1 ? `${server}_${tool}` : tool;
}

export function exposedTools(servers: readonly ToolServer[]): { server: string; tool: ToolInfo; name: string }[] {
  return servers.flatMap((s) => (s.tools ?? []).map((tool) => ({ server: s.name, tool, name: exposedName(s.name, tool.name, servers.length) })));
}

export function resolveTool(name: string, servers: readonly ToolServer[]): ToolRoute {
  // Longest server name first: "git_hub_x" belongs to "git_hub" before "git".
  const byLength = servers.length > 1 ? [...servers].sort((a, b) => b.name.length - a.name.length) : servers;
  for (const s of byLength) {
    if (!isPrefixed(name, s.name)) continue;
    const tool = name.slice(s.name.length + 1);
    if (s.tools === undefined || s.tools.some((t) => t.name === tool)) return { kind: 'found', server: s.name, tool };
  }
  const owners = servers.filter((s) => s.tools?.some((t) => t.name === name));
  if (owners.length === 1) return { kind: 'found', server: owners[0]!.name, tool: name };
  if (owners.length > 1) return { kind: 'ambiguous', candidates: owners.map((s) => `${s.name}_${name}`) };
  // The only server whose tools are unknown (never served yet) is asked: it waits or says why it is down.
  const unknown = servers.filter((s) => s.tools === undefined);
  if (unknown.length === 1 && servers.length === 1) return { kind: 'found', server: unknown[0]!.name, tool: name };
  return { kind: 'unknown', exposed: exposedTools(servers).map((t) => t.name) };
}

const UNDERSCORE = 95;

/** `name` is `<server>_<something>` (checked without building the prefix string). */
function isPrefixed(name: string, server: string): boolean {
  return name.length > server.length && name.charCodeAt(server.length) === UNDERSCORE && name.startsWith(server);
}
