// 25, 50 and 100 SDK echo plugins under one Supervisor: start() to all ready. Time
// should grow linearly: marginal ms per plugin from 50 to 100 vs from 25 to 50
// (<= 1.5x, no superlinear cost) and R² of a straight-line fit (>= 0.95).
// Plugins may use both CPUs (taskset -c 0-1); the supervisor stays on CPU 0.
import { echoPlugin, makeSupervisor } from '../lib/plugd.js';
import { rssKiB, settle } from '../lib/proc.js';
import { linearFit } from '../lib/stats.js';
import { absolute, info } from '../lib/report.js';

export const title = 'Many plugins: start to all ready';
const SIZES = [25, 50, 100];

export async function run() {
  const ms = [];
  let rss100;
  for (const n of SIZES) {
    const plugins = Array.from({ length: n }, (_, i) => echoPlugin(`echo${i}`, '0-1', { timeouts: { initMs: 120000 } }));
    const supervisor = makeSupervisor(plugins, { routes: { echo: 'echo0' } });
    const t = performance.now();
    await supervisor.start();
    ms.push(performance.now() - t);
    const notReady = supervisor.plugins().filter((p) => p.state !== 'ready').length;
    if (notReady > 0) throw new Error(`${notReady} of ${n} plugins not ready`);
    if (n === 100) {
      await settle();
      rss100 = rssKiB() / 1024;
    }
    await supervisor.stop();
  }
  const fit = linearFit(SIZES, ms);
  const marginalLow = (ms[1] - ms[0]) / (SIZES[1] - SIZES[0]);
  const marginalHigh = (ms[2] - ms[1]) / (SIZES[2] - SIZES[1]);
  const rows = SIZES.map((n, i) => info({ metric: `${n} plugins all ready`, unit: 'ms', values: [ms[i]], note: `${(ms[i] / n).toFixed(1)} ms per plugin` }));
  rows.push(info({ metric: 'slope of the linear fit', unit: 'ms/plugin', values: [fit.slope] }));
  rows.push(absolute({ metric: 'marginal ms/plugin, 50->100 over 25->50', unit: 'x', values: [marginalHigh / marginalLow], max: 1.5 }));
  rows.push(absolute({ metric: 'R² of the linear fit', unit: '', values: [fit.r2], min: 0.95 }));
  rows.push(info({ metric: 'supervisor RSS, 100 plugins ready', unit: 'MiB', values: [rss100] }));
  return { rows, notes: ['one round per size (each start of 100 plugins costs seconds of CPU); figures are single runs, not medians'] };
}
