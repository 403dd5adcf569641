// Newline-delimited JSON as the raw-pipe baseline reads it: one handler call per complete
// line; a line split over many chunks is joined once, when its newline arrives.
export function onLines(stream, handle) {
  let pending = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    if (chunk.indexOf('\n') === -1) {
      pending.push(chunk);
      return;
    }
    const lines = (pending.length > 0 ? pending.join('') + chunk : chunk).split('\n');
    const rest = lines.pop();
    pending = rest ? [rest] : [];
    for (const line of lines) if (line.length > 0) handle(line);
  });
}
