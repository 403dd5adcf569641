import { createHash, timingSafeEqual } from 'node:crypto';

export const API_KEY_HEADER = 'x-session-api-key';

/** Constant-time comparison (hashing first makes the lengths equal). */
export function apiKeyMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
