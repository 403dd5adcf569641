// Spawn to ready (initialize answered, Supervisor 'ready' startMs) of the SDK echo
// plugin vs baseline (1)'s spawn to first answer; a bare `node -e 0` for reference.
// Split placement; A B C rounds, a fresh child each time.
import { bareNodeMs } from '../baselines/bare-node.js';
import { startJsonrpcChild } from '../baselines/jsonrpc.js';
import { ECHO_ENTRY_UNBUNDLED, makeSupervisor, echoPlugin, nextReady } from '../lib/plugd.js';
import { PLACEMENTS, pinned } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'Spawn to ready (ms), split placement';
const ROUNDS = 9;

/** Spawn to ready of one fresh SDK plugin under a fresh Supervisor. */
export async function plugdStartMs(cpu, extra = {}) {
  const supervisor = makeSupervisor([echoPlugin('echo', cpu, extra)]);
  const ready = nextReady(supervisor);
  await supervisor.start();
  const { startMs } = await ready;
  await supervisor.stop();
  return startMs;
}

export async function run() {
  const cpu = PLACEMENTS.split;
  const r = { base: [], plugd: [], bare: [], unbundled: [] };
  await bareNodeMs(cpu); // warm the page cache
  for (let round = 0; round < ROUNDS; round++) {
    const child = await startJsonrpcChild(cpu);
    r.base.push(child.firstAnswerMs);
    await child.close();
    r.plugd.push(await plugdStartMs(cpu));
    r.unbundled.push(await plugdStartMs(cpu, { command: pinned(cpu, [process.execPath, ECHO_ENTRY_UNBUNDLED]) }));
    r.bare.push(await bareNodeMs(cpu));
  }
  return {
    rows: [
      compare({ metric: 'SDK plugin spawn to ready (bundled, as plugd runs it)', unit: 'ms', values: r.plugd, base: r.base, baseline: '(1) to first answer', max: 1.15 }),
      compare({ metric: 'SDK plugin spawn to ready, unbundled tsc output (reference)', unit: 'ms', values: r.unbundled, base: r.base, baseline: '(1) to first answer' }),
      compare({ metric: 'bare node -e 0, spawn to exit (3) (reference)', unit: 'ms', values: r.bare, base: r.base, baseline: '(1) to first answer' }),
    ],
  };
}
