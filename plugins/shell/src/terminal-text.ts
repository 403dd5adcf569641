/**
 * Turns what a program wrote to the terminal into the text a terminal would show,
 * as OpenHands' tmux capture does: CRLF to LF, escape sequences (colours, cursor
 * moves) removed, a carriage return overwrites the start of its line (progress bars).
 */
// CSI ... final byte, OSC ... BEL/ST, and two-byte ESC sequences.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]/g;

function overwrite(line: string): string {
  if (!line.includes('\r')) return line;
  let shown = '';
  for (const part of line.split('\r')) shown = part + shown.slice(part.length);
  return shown;
}

function backspaces(line: string): string {
  if (!line.includes('\b')) return line;
  const out: string[] = [];
  for (const ch of line) {
    if (ch === '\b') out.pop();
    else out.push(ch);
  }
  return out.join('');
}

export function terminalText(raw: string): string {
  const text = raw.replace(ESCAPES, '').replace(/\r+\n/g, '\n');
  return text
    .split('\n')
    .map((line) => backspaces(overwrite(line)).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ''))
    .join('\n');
}
