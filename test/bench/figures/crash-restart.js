// Crash -> replacement ready (SIGKILL of the plugin to its next 'ready', restart
// initialDelayMs 0, jitter 0) vs spawn to ready of the same plugin (a manual restart's
// startMs), interleaved in the same Supervisor. Split placement.
import { nextReady, pidOf, startEcho } from '../lib/plugd.js';
import { PLACEMENTS } from '../lib/pin.js';
import { compare } from '../lib/report.js';

export const title = 'Crash -> replacement ready (ms), split placement';
// 31 rounds: the ratio sits ~3% under its line and single rounds spread 0.85-1.4x (one
// slow spawn on a busy host), so 15 left the median ±4% run to run.
const ROUNDS = 31;

export async function run() {
  const restart = { initialDelayMs: 0, jitter: 0, maxRestarts: 1000, windowMs: 60000 };
  const supervisor = await startEcho(PLACEMENTS.split, { restart });
  const r = { crash: [], spawn: [] };
  for (let round = 0; round < ROUNDS; round++) {
    let ready = nextReady(supervisor);
    await supervisor.restart('echo');
    r.spawn.push((await ready).startMs);
    ready = nextReady(supervisor);
    const t = performance.now();
    process.kill(pidOf(supervisor), 'SIGKILL');
    await ready;
    r.crash.push(performance.now() - t);
  }
  await supervisor.stop();
  return { rows: [compare({ metric: 'crash to replacement ready', unit: 'ms', values: r.crash, base: r.spawn, baseline: 'spawn to ready', max: 1.1 })] };
}
