// Row builders for figure results. Every row: median and spread (min–max) over rounds;
// compared rows also carry the per-round ratio against the baseline of the same round.
import { ratios, summarize } from './stats.js';

/** A figure compared with its baseline, round by round. `max`/`min`: the ratio target. */
export function compare({ metric, unit, values, base, baseline, max, min, note }) {
  const v = summarize(values);
  const b = summarize(base);
  const r = summarize(ratios(values, base));
  const target = max !== undefined ? `<= ${max}x` : min !== undefined ? `>= ${min}x` : '';
  const pass = max !== undefined ? r.median <= max : min !== undefined ? r.median >= min : null;
  return { metric, unit, median: v.median, spread: [v.min, v.max], baseline, baselineMedian: b.median, baselineSpread: [b.min, b.max], ratio: r.median, ratioSpread: [r.min, r.max], target, pass, rounds: v.rounds, ...(note ? { note } : {}) };
}

/** An absolute figure with an absolute target (or none: `info`). */
export function absolute({ metric, unit, values, max, min, note }) {
  const v = summarize(values);
  const target = max !== undefined ? `<= ${max} ${unit}` : min !== undefined ? `>= ${min} ${unit}` : '';
  const pass = max !== undefined ? v.median <= max : min !== undefined ? v.median >= min : null;
  return { metric, unit, median: v.median, spread: [v.min, v.max], target, pass, rounds: v.rounds, ...(note ? { note } : {}) };
}

export const info = (args) => absolute({ ...args, max: undefined, min: undefined });

/** A figure that could not be measured in this checkout (never a made-up number). */
export function notAvailable(metric, why) {
  return { metric, unit: '', median: null, spread: null, target: '', pass: null, note: `not available: ${why}` };
}
