// Actions per second with 64 and 256 in flight to one plugin (split placement), vs
// baseline (1) at the same concurrency; plugd must also beat the MCP peer (2). Also against
// baseline (0), the raw NDJSON echo (the physical floor, issue 17's target at 64 in flight).
import { startJsonrpcChild } from '../baselines/jsonrpc.js';
import { startRawNdjson } from '../baselines/raw-ndjson.js';
import { startMcpPeer } from '../baselines/mcp.js';
import { closedLoop } from '../lib/drive.js';
import { echoAction, startEcho } from '../lib/plugd.js';
import { PLACEMENTS } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'Throughput, one plugin, split placement (actions/s)';
const ROUNDS = 5;
const MS = 300;

export async function run() {
  const cpu = PLACEMENTS.split;
  const base = await startJsonrpcChild(cpu);
  const mcp = await startMcpPeer(cpu);
  const raw = await startRawNdjson(cpu);
  const supervisor = await startEcho(cpu);
  const systems = {
    base: (i) => base.request({ action: echoAction(`hello ${i}`), timeoutMs: 120000 }),
    plugd: (i) => supervisor.execute(echoAction(`hello ${i}`)),
    mcp: (i) => mcp.request(`hello ${i}`),
    raw: (i) => raw.request({ action: echoAction(`hello ${i}`), timeoutMs: 120000 }),
  };
  const rows = [];
  for (const concurrency of [64, 256]) {
    const r = { base: [], plugd: [], mcp: [], raw: [] };
    for (const send of Object.values(systems)) await closedLoop(send, concurrency, MS); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, send] of Object.entries(systems)) r[name].push(await closedLoop(send, concurrency, MS));
    }
    rows.push(compare({ metric: `plugd, ${concurrency} concurrent`, unit: '/s', values: r.plugd, base: r.base, baseline: 'vscode-jsonrpc (1)', min: 0.8 }));
    const vsMcp = compare({ metric: `plugd vs MCP peer (2), ${concurrency} concurrent`, unit: '/s', values: r.plugd, base: r.mcp, baseline: 'MCP (2)', min: 1 });
    rows.push({ ...vsMcp, target: '> 1x (above MCP)', pass: vsMcp.ratio > 1 });
    rows.push(compare({ metric: `MCP peer (2), ${concurrency} concurrent (reference)`, unit: '/s', values: r.mcp, base: r.base, baseline: 'vscode-jsonrpc (1)' }));
    rows.push(compare({ metric: `plugd vs raw pipe, ${concurrency} concurrent`, unit: '/s', values: r.plugd, base: r.raw, baseline: 'raw NDJSON echo (0)', ...(concurrency === 64 ? { min: 0.5 } : {}) }));
    rows.push(compare({ metric: `vscode-jsonrpc (1) vs raw pipe, ${concurrency} concurrent (reference)`, unit: '/s', values: r.base, base: r.raw, baseline: 'raw NDJSON echo (0)' }));
  }
  await Promise.all([base.close(), mcp.close(), raw.close(), supervisor.stop()]);
  return { rows };
}
