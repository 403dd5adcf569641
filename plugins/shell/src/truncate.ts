/** OpenHands cuts command output over this many characters in the middle (MAX_CMD_OUTPUT_SIZE). */
export const MAX_OUTPUT_CHARS = 30_000;

/** OpenHands' CmdOutputObservation._maybe_truncate: head and tail halves around its note. */
export function truncateMiddle(text: string, limit = MAX_OUTPUT_CHARS): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  return `${text.slice(0, half)}\n[... Observation truncated due to length ...]\n${text.slice(-half)}`;
}
