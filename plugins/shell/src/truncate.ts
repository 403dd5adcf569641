/** OpenHands cuts command output over this many characters in the middle. */
export const MAX_OUTPUT_CHARS = 30_000;

/**
 * Keeps the head and the tail of `text` and replaces the middle with a note, so the
 * result is at most about `limit` characters. `omittedBefore` counts characters the
 * caller already dropped while streaming (they are part of the reported total).
 */
export function truncateMiddle(text: string, limit = MAX_OUTPUT_CHARS, omittedBefore = 0): string {
  if (text.length <= limit && omittedBefore === 0) return text;
  const half = Math.floor(limit / 2);
  const head = text.slice(0, half);
  const tail = text.slice(Math.max(half, text.length - half));
  const omitted = text.length - head.length - tail.length + omittedBefore;
  return `${head}\n[... Observation truncated due to length: ${omitted} characters omitted from the middle ...]\n${tail}`;
}
