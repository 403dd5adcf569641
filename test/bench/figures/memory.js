// Private memory (USS = Private_Clean + Private_Dirty) of an idle SDK echo plugin vs
// baseline (1)'s idle child. Each has answered 200 requests, then idles 1 s.
import { startJsonrpcChild } from '../baselines/jsonrpc.js';
import { ECHO_ENTRY_UNBUNDLED, echoAction, pidOf, startEcho } from '../lib/plugd.js';
import { PLACEMENTS, pinned } from '../lib/pin.js';
import { ussKiB, sleep } from '../lib/proc.js';
import { compare } from '../lib/report.js';

export const title = 'Idle plugin private memory, USS (MiB)';
const ROUNDS = 3;

export async function run() {
  const cpu = PLACEMENTS.split;
  const r = { base: [], plugd: [], unbundled: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const child = await startJsonrpcChild(cpu);
    const supervisor = await startEcho(cpu);
    const unbundled = await startEcho(cpu, { command: pinned(cpu, [process.execPath, ECHO_ENTRY_UNBUNDLED]) });
    for (let i = 0; i < 200; i++) {
      await child.request({ action: echoAction(`hello ${i}`), timeoutMs: 120000 });
      await supervisor.execute(echoAction(`hello ${i}`));
      await unbundled.execute(echoAction(`hello ${i}`));
    }
    await sleep(1000);
    r.base.push(ussKiB(child.pid) / 1024);
    r.plugd.push(ussKiB(pidOf(supervisor)) / 1024);
    r.unbundled.push(ussKiB(pidOf(unbundled)) / 1024);
    await Promise.all([child.close(), supervisor.stop(), unbundled.stop()]);
  }
  return {
    rows: [
      compare({ metric: 'idle SDK plugin USS (bundled, as plugd runs it)', unit: 'MiB', values: r.plugd, base: r.base, baseline: '(1) child', max: 1.3 }),
      compare({ metric: 'idle SDK plugin USS, unbundled tsc output (reference)', unit: 'MiB', values: r.unbundled, base: r.base, baseline: '(1) child' }),
    ],
  };
}
