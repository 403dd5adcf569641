// Baseline (0), child side: the physical floor. Reads newline-delimited JSON on stdin,
// and for each line only JSON.parse, JSON.stringify and one write of one line.
let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (rest + chunk).split('\n');
  rest = lines.pop();
  for (const line of lines) {
    if (line.length === 0) continue;
    const m = JSON.parse(line);
    process.stdout.write(`${JSON.stringify({ id: m.id, result: m.params })}\n`);
  }
});
process.stdin.on('end', () => process.exit(0));
