// `pnpm bench`: runs every figure under test/bench/figures/ in its own process pinned
// to CPU 0 (children choose CPU 0 "same CPU" or CPU 1 "split"), prints one table per
// figure and writes them all to bench-results/latest.json.
// Usage: node test/bench/run.js [figure-name ...]   (default: all, in FIGURES order)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRows } from './lib/table.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..', '..');
// soak runs its 1,000 crash cycles on both CPUs; every other figure's parent is pinned to CPU 0.
const PARENT_CPUS = { soak: '0-1' };
const FIGURES = ['latency', 'throughput', 'http', 'mcp', 'at-rest', 'payload', 'spawn', 'containment', 'memory', 'per-plugin-rss', 'crash-restart', 'reload', 'trace', 'scale', 'soak'];

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : FIGURES;
const started = Date.now();
const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavgAtStart: loadavg(), figures: {} };
let failures = 0;

for (const name of names) {
  const out = join(tmpdir(), `plugd-bench-${process.pid}-${name}.json`);
  const file = join(HERE, 'figures', `${name}.js`);
  process.stdout.write(`\n== ${name} ...`);
  const t = Date.now();
  const child = spawnSync('taskset', ['-c', PARENT_CPUS[name] ?? '0', process.execPath, '--expose-gc', join(HERE, 'figure-runner.js'), file, out], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 240_000 });
  let result;
  try {
    result = JSON.parse(readFileSync(out, 'utf8'));
    rmSync(out);
  } catch {
    result = { title: name, rows: [{ metric: name, unit: '', median: null, spread: null, target: '', pass: false, note: `the figure crashed (exit ${child.status ?? child.signal ?? child.error?.message})` }] };
  }
  results.figures[name] = result;
  process.stdout.write(` ${((Date.now() - t) / 1000).toFixed(1)} s\n${result.title}\n${formatRows(result.rows)}\n`);
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`);
  failures += result.rows.filter((r) => r.pass === false).length;
}

results.seconds = (Date.now() - started) / 1000;
results.loadavgAtEnd = loadavg();
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(join(ROOT, 'bench-results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${failures === 0 ? 'every figure met its target' : `${failures} figure(s) MISSED their target (FAIL above)`}; ${results.seconds.toFixed(0)} s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; written to bench-results/latest.json`);
