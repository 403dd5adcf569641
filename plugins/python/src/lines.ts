import type { Readable } from 'node:stream';

/** Calls `onLine` for every '\n'-terminated line of a stream (UTF-8). */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let at = buffer.indexOf('\n');
    while (at >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (line.trim() !== '') onLine(line);
      at = buffer.indexOf('\n');
    }
  });
}
