// Supervisor.execute() round trip to the SDK echo plugin vs baseline (1), same CPU and
// split placements, rounds interleaved in small blocks (A B C A B C ...). MCP peer shown for reference.
// Also against baseline (0), the raw NDJSON echo (the physical floor, issue 17's targets).
import { startJsonrpcChild } from '../baselines/jsonrpc.js';
import { startRawNdjson } from '../baselines/raw-ndjson.js';
import { startMcpPeer } from '../baselines/mcp.js';
import { interleavedLatency } from '../lib/drive.js';
import { echoAction, startEcho } from '../lib/plugd.js';
import { PLACEMENTS, PLACEMENT_LABEL } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'Supervisor.execute() round trip, p50/p99 (µs)';
const ROUNDS = 5;
/** Issue 17: execute() p50 against the raw pipe, per placement. */
const RAW_MAX = { same: 2.5, split: 2.0 };

export async function run() {
  const rows = [];
  for (const placement of ['same', 'split']) {
    const cpu = PLACEMENTS[placement];
    const where = PLACEMENT_LABEL[placement];
    const base = await startJsonrpcChild(cpu);
    const mcp = await startMcpPeer(cpu);
    const raw = await startRawNdjson(cpu);
    const supervisor = await startEcho(cpu);
    const r = { base: [], plugd: [], mcp: [], raw: [] };
    const params = (i) => ({ action: echoAction(`hello ${i}`), timeoutMs: 120000 });
    for (let round = 0; round < ROUNDS; round++) {
      const round = await interleavedLatency({
        base: (i) => base.request(params(i)),
        plugd: (i) => supervisor.execute(echoAction(`hello ${i}`)),
        mcp: (i) => mcp.request(`hello ${i}`),
        raw: (i) => raw.request(params(i)),
      });
      for (const k of Object.keys(r)) r[k].push(round[k]);
    }
    for (const p of ['p50', 'p99']) {
      const base = r.base.map((x) => x[p]);
      rows.push(compare({ metric: `plugd execute ${p}, ${where}`, unit: 'µs', values: r.plugd.map((x) => x[p]), base, baseline: 'vscode-jsonrpc (1)', max: 1.25 }));
      rows.push(compare({ metric: `MCP peer (2) ${p}, ${where} (reference)`, unit: 'µs', values: r.mcp.map((x) => x[p]), base, baseline: 'vscode-jsonrpc (1)' }));
    }
    const rawP50 = r.raw.map((x) => x.p50);
    rows.push(compare({ metric: `plugd execute p50 vs raw pipe, ${where}`, unit: 'µs', values: r.plugd.map((x) => x.p50), base: rawP50, baseline: 'raw NDJSON echo (0)', max: RAW_MAX[placement] }));
    rows.push(compare({ metric: `vscode-jsonrpc (1) p50 vs raw pipe, ${where} (reference)`, unit: 'µs', values: r.base.map((x) => x.p50), base: rawP50, baseline: 'raw NDJSON echo (0)' }));
    await Promise.all([base.close(), mcp.close(), raw.close(), supervisor.stop()]);
  }
  return { rows };
}
