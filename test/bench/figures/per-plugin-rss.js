// Supervisor memory per extra plugin: in a fresh process per round, RSS (after full
// GCs) with 1 plugin, then with 20 more plugins (a second Supervisor); growth / 20.
// A fresh process each round, because RSS never shrinks back after plugins stop.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { absolute, info } from '../lib/report.js';

export const title = 'Supervisor RSS growth per extra plugin (KiB), 20 plugins';
const ROUNDS = 3;
const EXTRA = 20;
const PROBE = fileURLToPath(new URL('./per-plugin-rss-probe.js', import.meta.url));

export async function run() {
  const per = [];
  const base = [];
  for (let round = 0; round < ROUNDS; round++) {
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', PROBE, String(EXTRA)], { encoding: 'utf8' }));
    per.push(out.perPluginKiB);
    base.push(out.rssMiB);
  }
  return {
    rows: [
      absolute({ metric: `RSS growth per extra plugin (${EXTRA} plugins)`, unit: 'KiB', values: per, max: 256 }),
      info({ metric: 'supervisor RSS with 1 plugin (reference)', unit: 'MiB', values: base }),
    ],
  };
}
