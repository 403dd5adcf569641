// Baseline (0), child side: the physical floor. Reads newline-delimited JSON on stdin,
// and for each line only JSON.parse, JSON.stringify and one write of one line.
import { onLines } from '../lib/lines.js';

onLines(process.stdin, (line) => {
  const m = JSON.parse(line);
  process.stdout.write(`${JSON.stringify({ id: m.id, result: m.params })}\n`);
});
process.stdin.on('end', () => process.exit(0));
