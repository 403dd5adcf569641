// Prints a figure's rows as a fixed-width table.
const fmt = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const verdict = (pass) => (pass === true ? 'PASS' : pass === false ? 'FAIL' : '');

export function formatRows(rows) {
  const head = ['metric', 'median', 'spread (min–max)', 'baseline median', 'ratio (min–max)', 'target', 'result'];
  const body = rows.map((r) => [
    r.metric,
    r.median === null ? '–' : `${fmt(r.median)} ${r.unit}`,
    r.spread ? `${fmt(r.spread[0])}–${fmt(r.spread[1])}` : '–',
    r.baselineMedian !== undefined ? `${fmt(r.baselineMedian)} ${r.unit} ${r.baseline}` : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x (${r.ratioSpread[0].toFixed(2)}–${r.ratioSpread[1].toFixed(2)})` : '',
    r.target,
    verdict(r.pass) + (r.note ? `${r.pass === null ? '' : ' '}${r.note}` : ''),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
