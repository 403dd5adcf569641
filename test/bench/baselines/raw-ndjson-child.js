// Baseline (0), child side: the physical floor. Reads newline-delimited JSON on stdin,
// and for each line only JSON.parse, JSON.stringify and one write of one line.
// A line split over many chunks is joined once, when its newline arrives.
let pending = [];
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (chunk.indexOf('\n') === -1) {
    pending.push(chunk);
    return;
  }
  const lines = (pending.length > 0 ? pending.join('') + chunk : chunk).split('\n');
  const rest = lines.pop();
  pending = rest ? [rest] : [];
  for (const line of lines) {
    if (line.length === 0) continue;
    const m = JSON.parse(line);
    process.stdout.write(`${JSON.stringify({ id: m.id, result: m.params })}\n`);
  }
});
process.stdin.on('end', () => process.exit(0));
