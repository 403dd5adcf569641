// Spawn to ready (initialize answered, Supervisor 'ready' startMs) of the SDK echo
// plugin vs baseline (1)'s spawn to first answer; a bare `node -e 0` for reference.
// Split placement; A B C rounds, a fresh child each time.
import { bareNodeMs } from '../baselines/bare-node.js';
import { startJsonrpcChild } from '../baselines/jsonrpc.js';
import { makeSupervisor, echoPlugin, nextReady } from '../lib/plugd.js';
import { PLACEMENTS } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'Spawn to ready (ms), split placement';
const ROUNDS = 9;

/** Spawn to ready of one fresh SDK plugin under a fresh Supervisor. */
export async function plugdStartMs(cpu) {
  const supervisor = makeSupervisor([echoPlugin('echo', cpu)]);
  const ready = nextReady(supervisor);
  await supervisor.start();
  const { startMs } = await ready;
  await supervisor.stop();
  return startMs;
}

export async function run() {
  const cpu = PLACEMENTS.split;
  const r = { base: [], plugd: [], bare: [] };
  await bareNodeMs(cpu); // warm the page cache
  for (let round = 0; round < ROUNDS; round++) {
    const child = await startJsonrpcChild(cpu);
    r.base.push(child.firstAnswerMs);
    await child.close();
    r.plugd.push(await plugdStartMs(cpu));
    r.bare.push(await bareNodeMs(cpu));
  }
  return {
    rows: [
      compare({ metric: 'SDK plugin spawn to ready', unit: 'ms', values: r.plugd, base: r.base, baseline: '(1) to first answer', max: 1.15 }),
      compare({ metric: 'bare node -e 0, spawn to exit (3) (reference)', unit: 'ms', values: r.bare, base: r.base, baseline: '(1) to first answer' }),
    ],
  };
}
