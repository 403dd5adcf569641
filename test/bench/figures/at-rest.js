// plugd at rest (issue 17): the supervisor's RSS with the embedded default (shell, files,
// python, echo) running vs baseline (4), a bare node:http server holding one
// vscode-jsonrpc child; and idle CPU, the supervisor's and all plugd processes', over
// 60 s (the window; the figure takes ~90 s of the runner's 240 s per figure).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssKiB, sleep } from '../lib/proc.js';
import { absolute, compare, info } from '../lib/report.js';

export const title = 'plugd at rest: supervisor RSS and idle CPU (embedded default)';
const PLUGD = fileURLToPath(new URL('../../../bin/plugd', import.meta.url));
const BARE = fileURLToPath(new URL('../baselines/http-jsonrpc-server.js', import.meta.url));
const ROUNDS = 3;
const SETTLE_MS = 3000;
/** The CPU window starts this long after start: the tail of startup (compilation, GC) is not rest. */
const CPU_SETTLE_MS = 10_000;
const WINDOW_S = 60;
const TICKS = 100; // USER_HZ on Linux

function waitFor(child, stream, pattern, what) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no ${pattern} within 60 s; output: ${text.slice(-500)}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}); output: ${text.slice(-500)}`)));
    child[stream].on('data', (chunk) => {
      text += chunk;
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

async function startPlugd() {
  const cwd = mkdtempSync(join(tmpdir(), 'plugd-at-rest-'));
  const child = spawn(process.execPath, [PLUGD, 'start', '--port', '0'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  await waitFor(child, 'stderr', /"msg":"plugins started"/, 'plugd start');
  return { pid: child.pid, close: () => stop(child).finally(() => rmSync(cwd, { recursive: true, force: true })) };
}

async function startBare() {
  const child = spawn(process.execPath, [BARE], { stdio: ['pipe', 'pipe', 'inherit'] });
  await waitFor(child, 'stdout', /ready/, 'baseline (4)');
  return { pid: child.pid, close: () => stop(child, () => child.stdin.end()) };
}

function stop(child, how = () => child.kill('SIGTERM')) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    how();
  });
}

/** The parent pid of `pid`, and its utime + stime in seconds (10 ms clock ticks). */
function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), seconds: (Number(f[11]) + Number(f[12])) / TICKS };
}

/**
 * CPU seconds of `pid`: the sum of its threads' run time in /proc/PID/task/TID/schedstat
 * (nanoseconds; an idle plugd uses a few clock ticks a minute, too few to count in
 * ticks), else utime + stime. A thread that ends within the window takes its time with
 * it; an idle plugd's threads (V8's, libuv's) live as long as it does.
 */
function cpuSeconds(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e9;
  } catch {
    return stat(pid).seconds;
  }
}

/** CPU seconds of `pid` and of every descendant alive now. */
function treeSeconds(pid) {
  const ppids = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      ppids.set(Number(name), stat(Number(name)).ppid);
    } catch {
      // gone meanwhile
    }
  }
  const inTree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, ppid] of ppids) if (!inTree.has(p) && inTree.has(ppid)) (inTree.add(p), (grew = true));
  }
  let seconds = 0;
  for (const p of inTree) {
    try {
      seconds += cpuSeconds(p);
    } catch {
      // gone meanwhile
    }
  }
  return seconds;
}

export async function run() {
  const rss = { plugd: [], bare: [] };
  let cpu;
  for (let round = 0; round < ROUNDS; round++) {
    const [plugd, bare] = await Promise.all([startPlugd(), startBare()]);
    await sleep(SETTLE_MS);
    rss.plugd.push(rssKiB(plugd.pid) / 1024);
    rss.bare.push(rssKiB(bare.pid) / 1024);
    if (round === ROUNDS - 1) {
      await sleep(CPU_SETTLE_MS - SETTLE_MS);
      const before = { sup: cpuSeconds(plugd.pid), tree: treeSeconds(plugd.pid), bare: cpuSeconds(bare.pid) };
      const t = performance.now();
      await sleep(WINDOW_S * 1000);
      const seconds = (performance.now() - t) / 1000;
      const pct = (used) => (100 * used) / seconds;
      cpu = { sup: pct(cpuSeconds(plugd.pid) - before.sup), tree: pct(treeSeconds(plugd.pid) - before.tree), bare: pct(cpuSeconds(bare.pid) - before.bare) };
    }
    await Promise.all([plugd.close(), bare.close()]);
  }
  return {
    rows: [
      compare({ metric: 'supervisor RSS, embedded default running', unit: 'MiB', values: rss.plugd, base: rss.bare, baseline: 'node:http + one vscode-jsonrpc child (4)', max: 1.3 }),
      absolute({ metric: `supervisor idle CPU over ${WINDOW_S} s`, unit: '% of a core', values: [cpu.sup], max: 0.2 }),
      info({ metric: `all plugd processes idle CPU over ${WINDOW_S} s`, unit: '% of a core', values: [cpu.tree] }),
      info({ metric: `baseline (4) idle CPU over ${WINDOW_S} s (reference)`, unit: '% of a core', values: [cpu.bare] }),
    ],
    notes: [`idle CPU is one window of ${WINDOW_S} s starting ${CPU_SETTLE_MS / 1000} s after start, from the threads' run time in /proc/PID/task/TID/schedstat`],
  };
}
