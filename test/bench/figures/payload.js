// Echo of a 1 KB, 1 MB and 10 MB text through Supervisor.execute() vs baseline (1),
// vscode-jsonrpc, and baseline (0), the raw NDJSON echo, split placement: p50 round trip
// per size, rounds interleaved (issue 17: 1 KB <= 1.0x vscode-jsonrpc; 1 MB and 10 MB
// stay >= 0.9x of its speed, i.e. <= 1/0.9 of its time).
import { startJsonrpcChild } from '../baselines/jsonrpc.js';
import { startRawNdjson } from '../baselines/raw-ndjson.js';
import { interleavedLatency } from '../lib/drive.js';
import { echoAction, startEcho } from '../lib/plugd.js';
import { PLACEMENTS } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'Echo of large payloads, split placement, p50 round trip';
// 9 rounds: a 10 MB echo allocates ~40 MB of large strings in this one process, and a
// mark-compact landing in one system's block moved a median of 5 by ~5%.
const ROUNDS = 9;
const SIZES = [
  { label: '1 KB', bytes: 1024, max: 1.0, per: { blocks: 10, perBlock: 100, warmup: 50 } },
  { label: '1 MB', bytes: 1024 * 1024, max: 1 / 0.9, per: { blocks: 4, perBlock: 5, warmup: 3, maxMs: 3000 } },
  { label: '10 MB', bytes: 10 * 1024 * 1024, max: 1 / 0.9, per: { blocks: 2, perBlock: 2, warmup: 1, maxMs: 6000 } },
];

export async function run() {
  const cpu = PLACEMENTS.split;
  const base = await startJsonrpcChild(cpu);
  const raw = await startRawNdjson(cpu);
  const supervisor = await startEcho(cpu, { timeouts: { actionMs: 120000 } });
  const rows = [];
  for (const size of SIZES) {
    const text = 'x'.repeat(size.bytes);
    const r = { base: [], plugd: [], raw: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const got = await interleavedLatency(
        {
          base: () => base.request({ action: echoAction(text), timeoutMs: 120000 }),
          plugd: () => supervisor.execute(echoAction(text)),
          raw: () => raw.request({ action: echoAction(text), timeoutMs: 120000 }),
        },
        size.per,
      );
      for (const k of Object.keys(r)) r[k].push(got[k].p50);
    }
    rows.push(compare({ metric: `echo ${size.label} p50, split`, unit: 'µs', values: r.plugd, base: r.base, baseline: 'vscode-jsonrpc (1)', max: Number(size.max.toFixed(2)) }));
    rows.push(compare({ metric: `echo ${size.label} p50 vs raw pipe, split (reference)`, unit: 'µs', values: r.plugd, base: r.raw, baseline: 'raw NDJSON echo (0)' }));
  }
  await Promise.all([base.close(), raw.close(), supervisor.stop()]);
  return { rows };
}
