// Small statistics helpers shared by every figure.

/** p in [0, 100] of an ascending-sorted array (nearest rank, interpolated). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export const sortNum = (values) => [...values].sort((a, b) => a - b);
export const median = (values) => percentile(sortNum(values), 50);

/** Median of the rounds and their spread (min–max), the way every table cell is printed. */
export function summarize(values) {
  const s = sortNum(values);
  return { median: percentile(s, 50), min: s[0], max: s[s.length - 1], p25: percentile(s, 25), p75: percentile(s, 75), rounds: s.length };
}

/** Per-round ratios a_i / b_i (rounds are interleaved, so round i of each is comparable). */
export function ratios(a, b) {
  return a.map((v, i) => v / b[i]);
}

/** Least-squares line through (x, y) and its R². */
export function linearFit(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}
