// File save -> new generation serving (test/bench/reload-bench.mjs), against
// debounce + 1.2x the same plugin's spawn to ready. Like with like: the reload's new
// generation starts while the old one serves the bench's load, so the spawn to ready it
// is held to is measured under that same load, in the same run (reload-bench starts the
// same plugin cold beside the load). The spawn to ready with no load is shown for reference.
import { run as reloadBench } from '../reload-bench.mjs';
import { absolute, info } from '../lib/report.js';

export const title = 'File save -> new generation serving (ms)';

export async function run() {
  const r = await reloadBench({});
  const limit = Math.round(r.debounceMs + 1.2 * r.coldStartUnderLoadMs);
  return {
    rows: [
      absolute({
        metric: 'save -> new generation serving',
        unit: 'ms',
        values: r.saveToServingSamplesMs,
        max: limit,
        note: `debounce ${r.debounceMs} ms + 1.2x spawn to ready under the same load ${r.coldStartUnderLoadMs} ms`,
      }),
      info({ metric: 'spawn to ready under the same load', unit: 'ms', values: r.coldStartUnderLoadSamplesMs }),
      info({ metric: 'spawn to ready, no load (reference)', unit: 'ms', values: r.coldStartSamplesMs }),
      absolute({ metric: 'actions lost across the reloads', unit: '', values: [r.lost], max: 0 }),
      absolute({ metric: 'actions answered twice', unit: '', values: [r.duplicates], max: 0 }),
    ],
    notes: [
      `${r.reloads} reloads under ${r.load} concurrent ${r.actionMs} ms actions (${r.actions} actions); where the time goes (medians): ` +
        `save -> reload started ${r.saveToReloadMs} ms (file event + ${r.debounceMs} ms debounce + re-hash), ` +
        `spawn -> initialize answered ${r.reloadSpawnToReadyMs} ms, initialize -> first answer of the new version ${r.readyToServingMs} ms`,
    ],
  };
}
