// 25, 50 and 100 SDK echo plugins under one Supervisor: start() to all ready. Time
// should grow linearly: marginal ms per plugin from 50 to 100 vs from 25 to 50
// (<= 1.5x, no superlinear cost) and R² of a straight-line fit (>= 0.95).
// Plugins may use both CPUs (taskset -c 0-1); the supervisor stays on CPU 0.
// Rounds go 25, 50, 100, 25, 50, 100, ...: the marginal ratio is a difference of two
// differences, so one slow start in a single run moved it by a third (1.48x, then 1.22x
// and 1.01x alone); each round gives its own ratio and fit, and the rows are their medians.
import { echoPlugin, makeSupervisor } from '../lib/plugd.js';
import { rssKiB, settle } from '../lib/proc.js';
import { linearFit, median } from '../lib/stats.js';
import { absolute, info } from '../lib/report.js';

export const title = 'Many plugins: start to all ready';
const SIZES = [25, 50, 100];
const ROUNDS = 3;

/** Start to all ready for `n` plugins, in ms (and the supervisor's RSS then, for 100). */
async function startAll(n) {
  const plugins = Array.from({ length: n }, (_, i) => echoPlugin(`echo${i}`, '0-1', { timeouts: { initMs: 120000 } }));
  const supervisor = makeSupervisor(plugins, { routes: { echo: 'echo0' } });
  try {
    const t = performance.now();
    await supervisor.start();
    const ms = performance.now() - t;
    const notReady = supervisor.plugins().filter((p) => p.state !== 'ready').length;
    if (notReady > 0) throw new Error(`${notReady} of ${n} plugins not ready`);
    if (n !== 100) return { ms };
    await settle();
    return { ms, rssMiB: rssKiB() / 1024 };
  } finally {
    await supervisor.stop();
  }
}

export async function run() {
  const ms = SIZES.map(() => []);
  const marginals = [];
  const fits = [];
  const rss100 = [];
  for (let round = 0; round < ROUNDS; round++) {
    const these = [];
    for (const n of SIZES) {
      const result = await startAll(n);
      these.push(result.ms);
      if (result.rssMiB !== undefined) rss100.push(result.rssMiB);
    }
    these.forEach((v, i) => ms[i].push(v));
    const marginalLow = (these[1] - these[0]) / (SIZES[1] - SIZES[0]);
    const marginalHigh = (these[2] - these[1]) / (SIZES[2] - SIZES[1]);
    marginals.push(marginalHigh / marginalLow);
    fits.push(linearFit(SIZES, these));
  }
  const rows = SIZES.map((n, i) => info({ metric: `${n} plugins all ready`, unit: 'ms', values: ms[i], note: `${(median(ms[i]) / n).toFixed(1)} ms per plugin` }));
  rows.push(info({ metric: 'slope of the linear fit', unit: 'ms/plugin', values: fits.map((f) => f.slope) }));
  rows.push(absolute({ metric: 'marginal ms/plugin, 50->100 over 25->50', unit: 'x', values: marginals, max: 1.5 }));
  rows.push(absolute({ metric: 'R² of the linear fit', unit: '', values: fits.map((f) => f.r2), min: 0.95 }));
  rows.push(info({ metric: 'supervisor RSS, 100 plugins ready', unit: 'MiB', values: rss100 }));
  return { rows, notes: [`${ROUNDS} rounds of 25, 50, 100 (each start of 100 plugins costs seconds of CPU); the ratio and R² are the median of each round's own`] };
}
