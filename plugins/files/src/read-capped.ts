import { createReadStream } from 'node:fs';
import { FileError } from './errors.js';
import { looksBinary } from './text-file.js';

/**
 * Most characters one `read` returns. A whole big file would be more than any agent's
 * context takes and, past the frame limit, could not be sent at all; like OpenHands'
 * editor (which clips its answers and says how to view a range), the rest is clipped
 * with a note saying how to read the next part.
 */
export const MAX_READ_CHARS = 1024 * 1024;
/** Largest image or PDF `read` returns (as a base64 data URL, 4/3 of this). */
export const MAX_READ_BINARY_BYTES = 8 * 1024 * 1024;

/**
 * Lines [start, end) (0-based, end -1 = to the end) of a UTF-8 text file, streamed: a
 * huge file is never loaded whole, and reading stops once MAX_READ_CHARS are taken.
 */
export async function readLinesCapped(path: string, size: number, start: number, end: number, limit = MAX_READ_CHARS): Promise<string> {
  const from = Math.max(start, 0);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  const out: string[] = [];
  let taken = 0;
  let line = 0;
  let partial = '';
  let first = true;
  let clippedAt: { line: number; inLine: boolean } | undefined;
  const wanted = (n: number) => n >= from && (end === -1 || n < end);
  /**
   * Adds line `n` (or its start). When it does not fit, reading stops before it, so the
   * next read starts there; only a line that alone is over the cap is cut.
   */
  const take = (text: string, n: number): boolean => {
    if (taken + text.length <= limit) {
      out.push(text);
      taken += text.length;
      return true;
    }
    const alone = taken === 0;
    if (alone) out.push(text.slice(0, limit));
    clippedAt = { line: n, inLine: alone };
    return false;
  };
  try {
    reading: for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (first && looksBinary(chunk)) throw binary(path);
      first = false;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw notUtf8(path);
      }
      let at = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', at)) {
        if (wanted(line) && !take(partial + text.slice(at, nl + 1), line)) break reading;
        partial = '';
        at = nl + 1;
        line++;
        if (end !== -1 && line >= end) break reading;
      }
      if (wanted(line)) partial += text.slice(at);
      // One line longer than the cap: stop reading it as soon as the cap is passed.
      if (partial.length > limit - taken && wanted(line)) {
        take(partial, line);
        partial = '';
        break;
      }
    }
    if (!clippedAt && partial && wanted(line)) take(partial, line);
  } finally {
    stream.destroy();
  }
  const text = out.join('');
  if (!clippedAt) return text;
  return text + (text === '' || text.endsWith('\n') ? '' : '\n') + clippedNote(path, size, from, clippedAt.line, clippedAt.inLine, limit);
}

function clippedNote(path: string, size: number, from: number, stoppedAt: number, inLine: boolean, limit: number): string {
  const next = inLine ? stoppedAt + 1 : stoppedAt;
  const where = inLine
    ? `line ${stoppedAt} (0-based) is longer than that and was cut (see the rest with e.g. \`sed -n '${stoppedAt + 1}p' ${path} | cut -c${limit + 1}-\`)`
    : `lines ${from} to ${stoppedAt - 1} (0-based) were returned`;
  return (
    `<response clipped><NOTE>The file ${path} is ${size} bytes; a read returns at most ${limit} characters, so ${where}. ` +
    `Read the next part with "start": ${next} (0-based line) and "end" (exclusive), e.g. {"action": "read", "args": {"path": ${JSON.stringify(path)}, "start": ${next}, "end": ${next + 1000}}}, ` +
    `or find the line numbers you need with \`grep -n\` first.</NOTE>`
  );
}

export function binary(path: string): FileError {
  return new FileError(
    `The file ${path} appears to be binary, so it cannot be viewed or edited as text. Inspect it with a tool that understands its format (e.g. \`file\`, \`xxd | head\`).`,
  );
}

function notUtf8(path: string): FileError {
  return new FileError(`The file ${path} is not valid UTF-8 text. Inspect it with \`file\` or convert it (e.g. \`iconv\`) first.`);
}

/** An image or PDF over MAX_READ_BINARY_BYTES: its size, the limit, and what to do instead. */
export function binaryTooBig(path: string, size: number): FileError {
  return new FileError(
    `The file ${path} is ${size} bytes; \`read\` returns images and PDFs of at most ${MAX_READ_BINARY_BYTES} bytes (as a base64 data URL). ` +
      `Shrink or convert it first (e.g. \`convert -resize 50%\`, \`pdftotext\`), or inspect it with a shell command.`,
  );
}
