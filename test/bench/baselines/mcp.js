// Baseline (2), client side: the MCP peer, driven by the MCP SDK client over stdio.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { pinned } from '../lib/pin.js';

export const MCP_SERVER = fileURLToPath(new URL('./mcp-server.js', import.meta.url));

export async function startMcpPeer(cpu) {
  const [command, ...args] = pinned(cpu, [process.execPath, MCP_SERVER]);
  const transport = new StdioClientTransport({ command, args, stderr: 'inherit' });
  const client = new Client({ name: 'plugd-bench', version: '1.0.0' });
  await client.connect(transport);
  await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
  return {
    pid: transport.pid,
    request: (text) => client.callTool({ name: 'echo', arguments: { text } }),
    close: () => client.close(),
  };
}
