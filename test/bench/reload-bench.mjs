// Hot reload benchmark: time from a file save to the new generation serving (the first
// action answered by the new version), under a continuous load, next to the same
// plugin's cold start (spawn to initialize answered) measured in the same run; and the
// actions lost or answered twice across the reloads (both must be 0).
//
// Also reported, to say where the time goes (none of it changes the figure or its limit):
// save -> reload started (file event + debounce + re-hash), reload started -> initialize
// answered under the load (the spawn included), initialize -> first answer of the new
// version, and the cold start of the same plugin measured while the same load runs (a
// second supervisor, so the process starts beside a generation serving the load, as a
// reload's does).
//
// Standalone, after `pnpm build`:  node test/bench/reload-bench.mjs [reloads] [load]
// From the bench suite:            import { run } from './reload-bench.mjs'; await run({})
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUPERVISOR = pathToFileURL(join(ROOT, 'supervisor/dist/index.js')).href;
const SDK_URL = pathToFileURL(join(ROOT, 'sdk/dist/index.js')).href;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? undefined : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);

function pluginSource(version, zodUrl) {
  return `import { defineAction, definePlugin } from ${JSON.stringify(SDK_URL)};
import { z } from ${JSON.stringify(zodUrl)};
const VERSION = ${JSON.stringify(version)};
definePlugin({
  name: 'bench-hot',
  version: VERSION,
  concurrency: 64,
  actions: {
    version: defineAction({
      args: z.object({ id: z.number(), ms: z.number().optional() }),
      run: async (args) => {
        if (args.ms) await new Promise((resolve) => setTimeout(resolve, args.ms));
        return { observation: 'version', content: VERSION + '|' + args.id, extras: {} };
      },
    }),
  },
});
`;
}

function nextEvent(emitter, event, match, ms = 60_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`reload-bench: no "${event}" event within ${ms} ms`));
    }, ms);
    function listener(payload) {
      if (!match(payload)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(payload);
    }
    emitter.on(event, listener);
  });
}

/**
 * @param {{reloads?: number, load?: number, actionMs?: number, debounceMs?: number, coldStarts?: number, cpu?: string}} [options]
 * @returns {Promise<{saveToServingMs: number, saveToServingSamplesMs: number[], coldStartMs: number, coldStartSamplesMs: number[],
 *   reloadSpawnToReadyMs: number, reloadSpawnToReadySamplesMs: number[], saveToReloadMs: number, readyToServingMs: number,
 *   coldStartUnderLoadMs: number, coldStartUnderLoadSamplesMs: number[], debounceMs: number, overheadMs: number,
 *   ratioToColdStart: number, reloads: number, actions: number, lost: number, duplicates: number, errors: number}>}
 */
export async function run(options = {}) {
  const reloads = options.reloads ?? 5;
  const load = options.load ?? 16;
  const actionMs = options.actionMs ?? 20; // each action takes 20 ms in the plugin: a busy agent, not a CPU-bound flood
  const debounceMs = options.debounceMs ?? 100;
  const coldStarts = options.coldStarts ?? 3;
  // Split placement, as the spawn figure: the plugin's generations on CPU 1, the
  // supervisor and the load generator on the parent's CPU 0 (run.js pins it there).
  const cpu = options.cpu ?? '1';
  const command = ['taskset', '-c', String(cpu), process.execPath, './plugin.mjs'];
  const { Supervisor, parseConfig } = await import(SUPERVISOR);
  const zodUrl = pathToFileURL(join(await realpath(join(ROOT, 'sdk/node_modules/zod')), 'index.js')).href;

  const dir = await mkdtemp(join(tmpdir(), 'plugd-reload-bench-'));
  const file = join(dir, 'plugin.mjs');
  await writeFile(file, pluginSource('v0', zodUrl));
  const supervisor = new Supervisor(
    parseConfig({ watchDebounceMs: debounceMs, plugins: [{ name: 'bench-hot', command, watch: true }] }, { source: 'reload-bench', baseDir: dir }),
  );
  const readyEvents = [];
  supervisor.on('ready', (e) => readyEvents.push(e));
  let reloadingAt; // Date.now() of the last switch to state "reloading" (the watcher called reload())
  supervisor.on('state', (e) => {
    if (e.state === 'reloading') reloadingAt = Date.now();
  });
  // A second supervisor running the same plugin (no watch): its cold starts under the load.
  const probeDir = await mkdtemp(join(tmpdir(), 'plugd-reload-bench-probe-'));
  await writeFile(join(probeDir, 'plugin.mjs'), pluginSource('v0', zodUrl));
  const probe = new Supervisor(parseConfig({ plugins: [{ name: 'bench-hot', command }] }, { source: 'reload-bench-probe', baseDir: probeDir }));
  const probeReady = [];
  probe.on('ready', (e) => probeReady.push(e.startMs));
  const answers = new Map(); // id -> observations received
  let issued = 0;
  let errors = 0;
  let loading = true;
  const firstSeen = new Map(); // version -> Date.now() of the first answer carrying it
  try {
    await supervisor.start();

    // Cold start: spawn to initialize answered, the first start and fresh restarts (no load).
    const cold = [readyEvents[0].startMs];
    for (let i = 1; i < coldStarts; i++) {
      const ready = nextEvent(supervisor, 'ready', () => true);
      await supervisor.restart('bench-hot');
      cold.push((await ready).startMs);
    }

    const worker = async () => {
      while (loading) {
        const id = issued++;
        answers.set(id, []);
        const obs = await supervisor.execute({ action: 'version', args: { id, ms: actionMs } });
        answers.get(id).push(obs);
        if (obs.observation !== 'version') errors += 1;
        else {
          const version = obs.content.split('|')[0];
          if (!firstSeen.has(version)) firstSeen.set(version, Date.now());
        }
      }
    };
    const workers = Array.from({ length: load }, () => worker());

    // Cold start of the same plugin while the load runs (the first start and fresh restarts).
    while (!firstSeen.has('v0')) await new Promise((resolve) => setTimeout(resolve, 1));
    await probe.start();
    for (let i = 1; i < coldStarts; i++) await probe.restart('bench-hot');
    await probe.stop();

    const saveToServing = [];
    const reloadReady = [];
    const saveToReload = [];
    const readyToServing = [];
    for (let i = 1; i <= reloads; i++) {
      const version = `v${i}`;
      const ready = nextEvent(supervisor, 'ready', (e) => e.version === version);
      reloadingAt = undefined;
      const savedAt = Date.now();
      await writeFile(file, pluginSource(version, zodUrl));
      const readyEvent = await ready;
      const readyAt = Date.now();
      reloadReady.push(readyEvent.startMs);
      saveToReload.push(reloadingAt - savedAt);
      // Served: the first answer carrying the new version.
      while (!firstSeen.has(version)) await new Promise((resolve) => setTimeout(resolve, 1));
      saveToServing.push(firstSeen.get(version) - savedAt);
      readyToServing.push(firstSeen.get(version) - readyAt);
    }
    loading = false;
    await Promise.all(workers);

    let lost = 0;
    let duplicates = 0;
    for (const [id, got] of answers) {
      if (got.length === 0) lost += 1;
      if (got.length > 1) duplicates += 1;
      const obs = got[0];
      if (obs && obs.observation === 'version' && obs.content.split('|')[1] !== String(id)) duplicates += 1; // someone else's answer
    }
    lost += errors; // an error Observation for an action that should have run counts as lost
    const status = supervisor.plugin('bench-hot');
    const saveMs = median(saveToServing);
    const coldMs = median(cold);
    return {
      saveToServingMs: round1(saveMs),
      saveToServingSamplesMs: saveToServing,
      coldStartMs: round1(coldMs),
      coldStartSamplesMs: cold,
      reloadSpawnToReadyMs: round1(median(reloadReady)),
      reloadSpawnToReadySamplesMs: reloadReady,
      saveToReloadMs: round1(median(saveToReload)),
      readyToServingMs: round1(median(readyToServing)),
      coldStartUnderLoadMs: round1(median(probeReady)),
      coldStartUnderLoadSamplesMs: probeReady,
      debounceMs,
      load,
      actionMs,
      overheadMs: round1(saveMs - debounceMs - coldMs),
      ratioToColdStart: round1((saveMs - debounceMs) / coldMs),
      reloads: status?.reloads ?? 0,
      actions: issued,
      lost,
      duplicates,
      errors,
    };
  } finally {
    loading = false;
    await Promise.all([supervisor.stop(), probe.stop()]);
    await rm(dir, { recursive: true, force: true });
    await rm(probeDir, { recursive: true, force: true });
  }
}

export default run;

if (process.argv[1] && import.meta.url === pathToFileURL(await realpath(process.argv[1])).href) {
  const [reloads, load] = process.argv.slice(2).map(Number);
  const result = await run({ ...(reloads ? { reloads } : {}), ...(load ? { load } : {}) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = result.lost === 0 && result.duplicates === 0 ? 0 : 1;
}
