// Soak (another engineer's test/bench/soak.*): 1,000 crash/restart cycles, the
// supervisor's fds and heap flat. Run as its own figure when present.
import { importOptional } from '../lib/optional.js';
import { notAvailable } from '../lib/report.js';

export const title = 'Soak: 1,000 crash/restart cycles (fds, heap flat)';

export async function run() {
  const found = await importOptional('soak');
  if (!found) return { rows: [notAvailable('soak', 'test/bench/soak.* does not exist in this checkout')] };
  if (!found.module || typeof found.module.run !== 'function') return { rows: [notAvailable('soak', found.why ?? `${found.file} exports no run()`)] };
  const result = await found.module.run({ cycles: 1000 });
  return { rows: result.rows, notes: [`from ${found.file}`, ...(result.notes ?? [])] };
}
