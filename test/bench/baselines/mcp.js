// Baseline (2), client side: the MCP peer, driven by the MCP SDK client over stdio.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { pinned } from '../lib/pin.js';

const ignore = () => undefined;

export const MCP_SERVER = fileURLToPath(new URL('./mcp-server.js', import.meta.url));

/**
 * `progress`: each call asks for progress (a progressToken, and the timeout reset on it) as
 * plugd's MCP client does on every tools/call, so the server gets the same request from both
 * sides (it costs the server and the SDK client ~10% more per call). Off for the other figures.
 */
export async function startMcpPeer(cpu, { progress = false } = {}) {
  const [command, ...args] = pinned(cpu, [process.execPath, MCP_SERVER]);
  const transport = new StdioClientTransport({ command, args, stderr: 'inherit' });
  const client = new Client({ name: 'plugd-bench', version: '1.0.0' });
  await client.connect(transport);
  await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
  return {
    pid: transport.pid,
    request: progress
      ? (text) => client.callTool({ name: 'echo', arguments: { text } }, undefined, { onprogress: ignore, resetTimeoutOnProgress: true })
      : (text) => client.callTool({ name: 'echo', arguments: { text } }),
    close: () => client.close(),
  };
}
