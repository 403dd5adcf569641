/**
 * Writing JSON numbers and short constants straight into a Buffer, as JSON.stringify
 * would write them, for the trace lines encoded in place (trace-line.ts).
 */
const DOT = 46;
const ZERO = 48;

/** A non-negative integer JSON writes as plain digits. */
export function isCount(n: unknown): n is number {
  return typeof n === 'number' && n >= 0 && n < 1e15 && Number.isInteger(n);
}

/** Copies `from` into `to` at `at`; returns the end. A loop for the short keys: set() costs more below a few dozen bytes. */
export function copy(from: Buffer, to: Buffer, at: number): number {
  const n = from.length;
  if (n > 24) to.set(from, at);
  else for (let i = 0; i < n; i++) to[at + i] = from[i]!;
  return at + n;
}

/** Writes the digits of `n` (a count below 1e15) at `at`; returns the end. */
export function writeCount(n: number, to: Buffer, at: number): number {
  let digits = 1;
  for (let power = 10; power <= n; power *= 10) digits += 1;
  let i = at + digits;
  if (n <= 0x7fffffff) {
    // Small integers: int32 arithmetic (a division by 10 becomes a multiplication).
    let m = n | 0;
    do {
      const q = (m / 10) | 0;
      to[--i] = ZERO + m - q * 10;
      m = q;
    } while (m > 0);
    return at + digits;
  }
  do {
    const q = Math.floor(n / 10);
    to[--i] = ZERO + (n - q * 10);
    n = q;
  } while (n > 0);
  return at + digits;
}

/**
 * Writes `micros / 1000` as JSON writes that number: `12.5`, `0.043`, `3` (the shortest
 * decimal that reads back as it, which for a count of thousandths below 1e15 is that
 * decimal with its trailing zeros dropped).
 */
export function writeMillis(micros: number, to: Buffer, at: number): number {
  const whole = Math.floor(micros / 1000);
  const fraction = (micros - whole * 1000) | 0;
  at = writeCount(whole, to, at);
  if (fraction === 0) return at;
  const tenths = (fraction / 100) | 0;
  const hundredths = ((fraction / 10) | 0) - tenths * 10;
  const thousandths = fraction - ((fraction / 10) | 0) * 10;
  to[at++] = DOT;
  to[at++] = ZERO + tenths;
  if (hundredths === 0 && thousandths === 0) return at;
  to[at++] = ZERO + hundredths;
  if (thousandths === 0) return at;
  to[at++] = ZERO + thousandths;
  return at;
}
