// Throughput with trace `messages` vs `off` (64 concurrent, split), switched at run
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// time with setTraceLevel in the same Supervisor, interleaved A B A B. Frames go to a
// trace file (traceDir), as in production.
import { closedLoop } from '../lib/drive.js';
import { echoAction, startEcho } from '../lib/plugd.js';
import { PLACEMENTS } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'Trace messages vs off, throughput at 64 concurrent (actions/s)';
// 31 rounds: single rounds spread 0.6-1.3x (collections in either process), so 15 left the median ±5% run to run.
const ROUNDS = 31;
const MS = 300;

export async function run() {
  const traceDir = mkdtempSync(join(tmpdir(), 'plugd-bench-trace-'));
  try {
    return await measure(traceDir);
  } finally {
    // Each run writes ~30 MB of trace: not left in the temp folder.
    rmSync(traceDir, { recursive: true, force: true });
  }
}

async function measure(traceDir) {
  const supervisor = await startEcho(PLACEMENTS.split, {}, { traceDir });
  const send = (i) => supervisor.execute(echoAction(`hello ${i}`));
  const r = { off: [], messages: [] };
  try {
    for (const level of ['off', 'messages']) {
      supervisor.setTraceLevel(level);
      await closedLoop(send, 64, MS);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const level of ['off', 'messages']) {
        supervisor.setTraceLevel(level);
        r[level].push(await closedLoop(send, 64, MS));
      }
    }
  } finally {
    await supervisor.stop();
  }
  return { rows: [compare({ metric: 'trace messages', unit: '/s', values: r.messages, base: r.off, baseline: 'trace off', min: 0.9 })] };
}
