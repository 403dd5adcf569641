/** Longest editor answer before it is clipped (as OpenHands' editor does). */
export const MAX_RESPONSE_CHARS = 16_000;

export const CLIPPED_NOTE =
  '<response clipped><NOTE>Due to the max output limit, only part of this file has been shown to you. ' +
  'You should use `view_range` to view the parts you need, or `grep -n` to find line numbers.</NOTE>';

/** `cat -n` style: the line number right-aligned in 6 columns, a tab, the line. */
export function numberLines(lines: readonly string[], firstLine: number): string {
  return lines.map((line, i) => `${String(i + firstLine).padStart(6)}\t${line}`).join('\n');
}

export function clip(text: string, limit = MAX_RESPONSE_CHARS): string {
  return text.length <= limit ? text : text.slice(0, limit) + CLIPPED_NOTE;
}

/** "Here's the result of running `cat -n` on <what>:" followed by the numbered lines. */
export function catN(what: string, lines: readonly string[], firstLine: number): string {
  return `Here's the result of running \`cat -n\` on ${what}:\n${clip(numberLines(lines, firstLine))}\n`;
}

/** Lines around an edit (4 of context each side), numbered, for the edit's answer. */
export function snippet(path: string, text: string, fromLine: number, toLine: number): string {
  const lines = text.split('\n');
  const start = Math.max(1, fromLine - 4);
  const end = Math.min(lines.length, toLine + 4);
  return catN(`a snippet of ${path}`, lines.slice(start - 1, end), start);
}
