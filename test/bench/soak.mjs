// Soak: N crash/restart cycles of one plugin through a real Supervisor, checking that
// the supervisor's own open fds (/proc/self/fd) and heap stay flat. Not part of `pnpm test`.
//
//   pnpm build && node --expose-gc test/bench/soak.mjs [--cycles 1000] [--plugin sh|node]
//
// The crashing plugin answers initialize, then exits 1 once it reads `initialized`:
// `sh` (default, fast) or `node` (a full node process, ~5 cycles/s on 2 loaded cores).
// Prints one JSON line (fds and heap before/after, seconds) and exits 1 when either grew
// past its margin. As a module: `import { soak, run } from './soak.mjs'`; `soak()` returns
// the numbers, `run()` returns a bench figure ({title, rows, notes}).
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Supervisor, parseConfig } from '@plugd/supervisor';

export const title = 'Soak: crash/restart cycles, supervisor fds and heap';

/** Margins: a leak of one fd or ~2 KiB a cycle shows over 1,000 cycles. */
export const FD_MARGIN = 4;
export const HEAP_MARGIN_BYTES = 3 * 1024 * 1024;

// A minimal hand-written plugin (no SDK, no imports: fast to start) that answers
// initialize, then exits 1 as soon as it gets `initialized`: one crash per generation.
const CRASHER = `
let buf = Buffer.alloc(0);
const send = (m) => { const b = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m })); process.stdout.write('Content-Length: ' + b.length + '\\r\\n\\r\\n'); process.stdout.write(b); };
process.stdin.on('data', (c) => {
  buf = Buffer.concat([buf, c]);
  for (;;) {
    const sep = buf.indexOf('\\r\\n\\r\\n'); if (sep < 0) return;
    const n = Number(/content-length:\\s*(\\d+)/i.exec(buf.subarray(0, sep).toString())[1]);
    if (buf.length < sep + 4 + n) return;
    const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + n).toString()); buf = buf.subarray(sep + 4 + n);
    if (msg.method === 'initialize') send({ id: msg.id, result: { name: 'crasher', version: '1', protocolVersion: 1, actions: ['crash'] } });
    else if (msg.method === 'initialized') { process.stderr.write('crasher: exiting 1\\n'); process.exit(1); }
  }
});
process.stdin.on('end', () => process.exit(0));
`;

// The same in sh (the default: a node start costs ~0.3 s on a loaded 2-core machine).
// initialize is always the first request (id 1), so the answer can be written blind.
const INIT_ANSWER = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { name: 'crasher', version: '1', protocolVersion: 1, actions: ['crash'] } });
const SH_FRAME = `Content-Length: ${Buffer.byteLength(INIT_ANSWER)}\r\n\r\n${INIT_ANSWER}`;
const SH_CRASHER = ['sh', '-c', 'printf "%s" "$1"; head -c 1 >/dev/null; echo "crasher: exiting 1" >&2; exit 1', 'crasher', SH_FRAME];

const COMMANDS = { sh: SH_CRASHER, node: [process.execPath, '-e', CRASHER] };

const openFds = () => readdirSync('/proc/self/fd').length;

function settle() {
  return new Promise((resolve) => setImmediate(resolve)).then(() => {
    globalThis.gc?.();
    globalThis.gc?.();
  });
}

async function measure() {
  await settle();
  return { fds: openFds(), heapUsed: process.memoryUsage().heapUsed };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `cycles` crash/restart cycles; resolves with before/after numbers and whether they stayed flat. */
export async function soak({ cycles = 1000, warmup = 50, plugin = 'sh' } = {}) {
  if (!COMMANDS[plugin]) throw new Error(`--plugin is sh or node, not ${plugin}`);
  const config = parseConfig(
    {
      plugins: [
        {
          name: 'crasher',
          command: COMMANDS[plugin],
          restart: { initialDelayMs: 0, jitter: 0, maxRestarts: 1_000_000_000, windowMs: 1_000, minUptimeMs: 3_600_000 },
          timeouts: { initMs: 20_000, shutdownMs: 1_000, pingIntervalMs: 60_000 },
        },
      ],
    },
    { source: 'soak', baseDir: process.cwd() },
  );
  const supervisor = new Supervisor(config);
  const pids = new Set();
  let exits = 0;
  let waiter;
  supervisor.on('spawn', (e) => e.pid !== undefined && pids.add(e.pid));
  supervisor.on('exit', () => {
    exits += 1;
    waiter?.();
  });
  const exitsReach = (n) =>
    new Promise((resolve) => {
      waiter = () => exits >= n && resolve();
      waiter();
    });

  const began = performance.now();
  await supervisor.start();
  await exitsReach(warmup);
  const before = await measure();
  await exitsReach(warmup + cycles);
  const after = await measure();
  const seconds = (performance.now() - began) / 1000;
  const status = supervisor.plugin('crasher');
  await supervisor.stop();
  const survivors = [...pids].filter(isAlive);

  const fdGrowth = after.fds - before.fds;
  const heapGrowth = after.heapUsed - before.heapUsed;
  return {
    plugin,
    cycles,
    seconds,
    cyclesPerSecond: cycles / seconds,
    restarts: status?.restarts,
    before,
    after,
    fdGrowth,
    heapGrowthBytes: heapGrowth,
    survivors,
    gcExposed: typeof globalThis.gc === 'function',
    flat: fdGrowth <= FD_MARGIN && heapGrowth <= HEAP_MARGIN_BYTES && survivors.length === 0,
  };
}

/** As a bench figure. */
export async function run(options) {
  const r = await soak(options);
  const mib = (b) => Math.round((b / 1024 / 1024) * 100) / 100;
  return {
    rows: [
      { metric: `open fds growth over ${r.cycles} cycles`, unit: 'fds', median: r.fdGrowth, spread: null, target: `<= ${FD_MARGIN}`, pass: r.fdGrowth <= FD_MARGIN, note: `${r.before.fds} -> ${r.after.fds}` },
      { metric: `heap growth over ${r.cycles} cycles`, unit: 'MiB', median: mib(r.heapGrowthBytes), spread: null, target: `<= ${mib(HEAP_MARGIN_BYTES)}`, pass: r.heapGrowthBytes <= HEAP_MARGIN_BYTES, note: `${mib(r.before.heapUsed)} -> ${mib(r.after.heapUsed)} MiB${r.gcExposed ? '' : ' (no --expose-gc: noisy)'}` },
      { metric: 'crash/restart cycles per second', unit: '/s', median: Math.round(r.cyclesPerSecond * 10) / 10, spread: null, target: '', pass: true, note: `${r.restarts} restarts` },
      { metric: 'plugin processes left after stop', unit: '', median: r.survivors.length, spread: null, target: '0', pass: r.survivors.length === 0, note: '' },
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--cycles');
  const cycles = at > 0 ? Number(process.argv[at + 1]) : 1000;
  const p = process.argv.indexOf('--plugin');
  const result = await soak({ cycles, plugin: p > 0 ? process.argv[p + 1] : 'sh' });
  console.log(JSON.stringify(result));
  if (!result.flat) {
    console.error(`soak: NOT flat (fds +${result.fdGrowth}, heap +${result.heapGrowthBytes} bytes, ${result.survivors.length} survivors)`);
    process.exit(1);
  }
  console.error(`soak: flat over ${cycles} cycles (fds +${result.fdGrowth}, heap ${(result.heapGrowthBytes / 1024).toFixed(0)} KiB, ${result.cyclesPerSecond.toFixed(1)} cycles/s)`);
}
