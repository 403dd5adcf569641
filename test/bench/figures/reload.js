// File save -> new generation serving (another engineer's test/bench/reload-bench.*).
// Target: <= debounce + 1.2x spawn to ready, 0 actions lost. If the module is absent
// the figure says "not available": it is never estimated here.
import { importOptional } from '../lib/optional.js';
import { absolute, notAvailable } from '../lib/report.js';
import { PLACEMENTS } from '../lib/pin.js';
import { median } from '../lib/stats.js';
import { plugdStartMs } from './spawn.js';

export const title = 'File save -> new generation serving (ms)';
const pick = (o, keys) => keys.map((k) => o?.[k]).find((v) => typeof v === 'number');

export async function run() {
  const found = await importOptional('reload-bench');
  if (!found) return { rows: [notAvailable('save -> serving', 'test/bench/reload-bench.* does not exist in this checkout')] };
  const m = found.module;
  const fn = m && (typeof m.run === 'function' ? m.run : typeof m.default === 'function' ? m.default : Object.values(m).find((v) => typeof v === 'function'));
  if (!fn) return { rows: [notAvailable('save -> serving', found.why ?? `${found.file} exports no function`)] };
  const result = await fn({});
  if (Array.isArray(result?.rows)) return { rows: result.rows, notes: [`from ${found.file}`, ...(result.notes ?? [])] };
  // A plain result: take its numbers and judge them against spawn to ready measured now.
  const savedMs = pick(result, ['saveToServingMs', 'medianMs', 'ms', 'durationMs']);
  const debounceMs = pick(result, ['debounceMs', 'debounce']);
  const lost = pick(result, ['lost', 'actionsLost', 'lostActions']);
  if (savedMs === undefined || debounceMs === undefined) return { rows: [notAvailable('save -> serving', `${found.file} returned ${JSON.stringify(result).slice(0, 200)}`)] };
  // Spawn to ready of the same plugin measured in the same run (the module's cold starts), else ours.
  let spawnMs = pick(result, ['coldStartMs']);
  if (spawnMs === undefined) {
    const spawn = [];
    for (let i = 0; i < 3; i++) spawn.push(await plugdStartMs(PLACEMENTS.split));
    spawnMs = median(spawn);
  }
  const limit = debounceMs + 1.2 * spawnMs;
  const samples = Array.isArray(result.saveToServingSamplesMs) ? result.saveToServingSamplesMs : [savedMs];
  return {
    rows: [
      absolute({ metric: 'save -> new generation serving', unit: 'ms', values: samples, max: Math.round(limit), note: `debounce ${debounceMs} ms + 1.2x spawn to ready ${spawnMs.toFixed(0)} ms` }),
      ...(lost === undefined ? [] : [absolute({ metric: 'actions lost across the reload', unit: '', values: [lost], max: 0 })]),
      ...(typeof result.duplicates === 'number' ? [absolute({ metric: 'actions answered twice', unit: '', values: [result.duplicates], max: 0 })] : []),
    ],
    notes: [
      `from ${found.file}`,
      ...(typeof result.saveToReloadMs === 'number'
        ? [
            `where the time goes (medians): save -> reload started ${result.saveToReloadMs} ms (file event + ${debounceMs} ms debounce + re-hash), ` +
              `spawn -> initialize answered ${result.reloadSpawnToReadyMs} ms under the load, initialize -> first answer of the new version ${result.readyToServingMs} ms; ` +
              `cold start of the same plugin under the same load ${result.coldStartUnderLoadMs} ms (not used in the limit)`,
          ]
        : []),
    ],
  };
}
