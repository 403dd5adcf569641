// call_tool_mcp through plugd (Supervisor.execute -> the MCP SDK Client on plugd's pipes ->
// a stdio MCP server) vs the MCP SDK client straight to the same server (baseline (2)'s
// server, pinned the same way, neither in a cgroup): p50 latency and throughput at 64 in
// flight, split placement.
import { startMcpPeer, MCP_SERVER } from '../baselines/mcp.js';
import { closedLoop, interleavedLatency } from '../lib/drive.js';
import { makeSupervisor } from '../lib/plugd.js';
import { PLACEMENTS, pinned } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'call_tool_mcp through plugd vs the MCP SDK client direct (split placement)';
const ROUNDS = 11;
const MS = 300;

export async function run() {
  const cpu = PLACEMENTS.split;
  // Like for like on the wire too: plugd asks for progress on every tools/call (proof of life
  // while a tool works), so the direct client sends the same request.
  const direct = await startMcpPeer(cpu, { progress: true });
  // For reference: the same client making plain calls (no progressToken), as most users do.
  const plain = await startMcpPeer(cpu);
  // Like for like: the baseline's server runs in no cgroup, so plugd's runs in none either
  // (containment "process-group"); by default it would be in its own cgroup (a cost of its
  // own, measured by the containment figure), an unseparated factor in this comparison.
  const supervisor = makeSupervisor([{ name: 'mcp', protocol: 'mcp', command: pinned(cpu, [process.execPath, MCP_SERVER]) }], { containment: { mode: 'process-group' } });
  await supervisor.start();
  const action = (text) => ({ action: 'call_tool_mcp', args: { name: 'echo', arguments: { text } } });
  const first = await supervisor.execute(action('warm'));
  if (first.observation !== 'mcp') throw new Error(`call_tool_mcp failed: ${first.content}`);
  const systems = { direct: (i) => direct.request(`hello ${i}`), plain: (i) => plain.request(`hello ${i}`), plugd: (i) => supervisor.execute(action(`hello ${i}`)) };
  const lat = { direct: [], plain: [], plugd: [] };
  const tput = { direct: [], plain: [], plugd: [] };
  for (const send of Object.values(systems)) await closedLoop(send, 64, MS); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const r = await interleavedLatency(systems);
    for (const k of Object.keys(lat)) lat[k].push(r[k].p50);
    for (const [name, send] of Object.entries(systems)) tput[name].push(await closedLoop(send, 64, MS));
  }
  const rows = [
    compare({ metric: 'call_tool_mcp p50 through plugd', unit: 'µs', values: lat.plugd, base: lat.direct, baseline: 'MCP SDK client direct', max: 1.2 }),
    compare({ metric: 'call_tool_mcp throughput, 64 in flight', unit: '/s', values: tput.plugd, base: tput.direct, baseline: 'MCP SDK client direct', min: 0.8 }),
    compare({ metric: 'call_tool_mcp p50 vs plain calls, no progressToken (reference)', unit: 'µs', values: lat.plugd, base: lat.plain, baseline: 'MCP SDK client direct, plain calls' }),
    compare({ metric: 'call_tool_mcp throughput vs plain calls (reference)', unit: '/s', values: tput.plugd, base: tput.plain, baseline: 'MCP SDK client direct, plain calls' }),
  ];
  await Promise.all([direct.close(), plain.close(), supervisor.stop()]);
  return { rows };
}
