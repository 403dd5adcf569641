// Spawn to ready of the SDK echo plugin in its own cgroup (containment "cgroup") vs
// without (containment "process-group"), split placement; A B / B A rounds, a fresh
// Supervisor each time. Timed from Supervisor.start() to the plugin's `ready` event, so
// the cgroup side pays for everything it adds: detection, the stale-cgroup scan, making
// the cgroup and writing its limits, and the sh wrapper that enters it before exec.
import { spawnSync } from 'node:child_process';
import { Containment, parseConfig, silentLogger } from '@plugd/supervisor';
import { makeSupervisor, echoPlugin, nextReady } from '../lib/plugd.js';
import { PLACEMENTS } from '../lib/pin.js';
import { compare, info, notAvailable } from '../lib/report.js';

export const title = 'Spawn to ready in its own cgroup (ms), split placement';
const ROUNDS = 21;
const LIMITS = { memoryMiB: 512, pids: 256 };

async function startMs(cpu, containment, limits = LIMITS) {
  const supervisor = makeSupervisor([echoPlugin('echo', cpu, { limits })], { containment: { mode: containment, cgroupName: `plugd-bench-${process.pid}` } });
  const began = performance.now();
  const ready = nextReady(supervisor);
  await supervisor.start();
  await ready;
  const ms = performance.now() - began;
  const mechanism = supervisor.containment.mechanism;
  await supervisor.stop();
  return { ms, mechanism };
}

/** The cgroup's own costs, without a plugin: make it (dirs + limits), run the sh wrapper around `true`, kill and remove it. */
async function cgroupCostMs() {
  const config = parseConfig({ containment: { mode: 'cgroup', cgroupName: `plugd-bench-${process.pid}` }, plugins: [{ name: 'echo', limits: LIMITS }] }, { source: 'bench', baseDir: '/' });
  const containment = new Containment(config.containment, silentLogger());
  await containment.prepare();
  const made = [];
  const wrapped = [];
  const removed = [];
  for (let i = 0; i < 20; i++) {
    let t = performance.now();
    const guard = containment.forGeneration(config.plugins[0], i + 1);
    made.push(performance.now() - t);
    // `true` is no Node binary: it enters through the sh wrapper.
    const [file, ...args] = guard.launch({ command: ['true'], env: {}, cwd: '/' }).command;
    // Spaced as real spawns are: back-to-back cgroup migrations share one RCU grace period
    // (README, Performance, note b), which would hide what one spawn pays.
    await new Promise((resolve) => setTimeout(resolve, 100));
    t = performance.now();
    spawnSync(file, args);
    const inWrapper = performance.now() - t;
    t = performance.now();
    spawnSync('true');
    wrapped.push(inWrapper - (performance.now() - t));
    t = performance.now();
    guard.release(undefined, { code: 0, signal: null });
    await containment.removed();
    removed.push(performance.now() - t);
  }
  await containment.close();
  return { made, wrapped, removed };
}

export async function run() {
  const cpu = PLACEMENTS.split;
  const probe = await startMs(cpu, 'auto');
  if (probe.mechanism !== 'cgroup') return { rows: [notAvailable('spawn to ready in its own cgroup', 'no usable cgroups here (run as root on a cgroup host)')] };
  const r = { cgroup: [], plain: [], bare: [] };
  await startMs(cpu, 'process-group'); // warm both paths
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['cgroup', 'bare', 'process-group'] : ['process-group', 'bare', 'cgroup'];
    for (const mode of order) {
      if (mode === 'bare') r.bare.push((await startMs(cpu, 'cgroup', {})).ms);
      else (mode === 'cgroup' ? r.cgroup : r.plain).push((await startMs(cpu, mode)).ms);
    }
  }
  const cost = await cgroupCostMs();
  return {
    rows: [
      compare({ metric: 'SDK plugin spawn to ready in its own cgroup (memoryMiB, pids limits)', unit: 'ms', values: r.cgroup, base: r.plain, baseline: 'same, containment "process-group"', max: 1.1 }),
      compare({ metric: 'same in its own cgroup with no limits (joins 2 hierarchies, not 3)', unit: 'ms', values: r.bare, base: r.plain, baseline: 'same, containment "process-group"', max: 1.1 }),
      info({ metric: 'make the cgroup (dirs in 3 hierarchies + limits), per generation', unit: 'ms', values: cost.made }),
      info({ metric: 'sh wrapper entering it, extra per spawn', unit: 'ms', values: cost.wrapped }),
      info({ metric: 'kill + remove the cgroup after exit', unit: 'ms', values: cost.removed }),
    ],
  };
}
