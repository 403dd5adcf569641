import type { RecordLayout } from './batch-records.js';

/** Turns a batch of records into the JSON lines of the trace file. */
export interface BatchFormatter {
  /** The lines of the first `length` bytes of `data` (batch-records.ts), valid until the next call. */
  lines(data: SharedArrayBuffer, length: number): Buffer;
  /** Lets go of a line buffer that a batch of big verbose frames grew. */
  trim(): void;
}

/**
 * The trace write thread's formatter: each FRAME record becomes the line
 * TraceLineEncoder.line() would give, TEXT records are copied, DEFINEs name the texts the
 * frames after them use. It runs in the thread from its source text (write-thread.ts),
 * so it reaches nothing outside itself but `Buffer` (pad() repeats batch-records' pad8).
 */
export function batchFormatter(layout: RecordLayout): BatchFormatter {
  const NEWLINE = 10;
  const pad = (n: number): number => (n + 7) & ~7;
  const ZERO = 48;
  const DOT = 46;
  const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
  const TIME = ascii('{"time":"');
  const QUOTE = ascii('"');
  const ID = ascii(',"id":');
  const DURATION = ascii(',"durationMs":');
  const BYTES = ascii(',"bytes":');
  const END = ascii('}\n');
  // Lines are made in one reused buffer, with no string per line: the garbage of a string
  // per frame kept the process's shared GC helper threads busy at the supervisor's priority.
  const OUT_BYTES = 1 << 20;
  let out = Buffer.allocUnsafeSlow(OUT_BYTES);
  let isoMs = Number.NaN;
  let iso = ascii('');
  const room = (at: number, need: number): void => {
    if (at + need <= out.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(out.length * 2, at + need));
    out.copy(bigger, 0, 0, at);
    out = bigger;
  };
  /** Copies a short constant to `out` at `at`: a loop, as copy() and subarray() allocate a view per call. */
  const put = (from: Uint8Array, at: number): number => {
    for (let i = 0; i < from.length; i++) out[at + i] = from[i]!;
    return at + from.length;
  };
  /** The digits of `n`, a non-negative integer below 1e15, as JSON writes it. */
  const count = (n: number, at: number): number => {
    let digits = 1;
    for (let power = 10; power <= n; power *= 10) digits += 1;
    let i = at + digits;
    if (n <= 0x7fffffff) {
      // Small integers: int32 arithmetic (a division by 10 becomes a multiplication).
      let m = n | 0;
      do {
        const q = (m / 10) | 0;
        out[--i] = ZERO + m - q * 10;
        m = q;
      } while (m > 0);
      return at + digits;
    }
    do {
      const q = Math.floor(n / 10);
      out[--i] = ZERO + (n - q * 10);
      n = q;
    } while (n > 0);
    return at + digits;
  };
  /** `micros / 1000` as JSON writes that number: `12.5`, `0.043`, `3` (trailing zeros dropped). */
  const millis = (micros: number, at: number): number => {
    const whole = Math.floor(micros / 1000);
    const fraction = micros - whole * 1000;
    at = count(whole, at);
    if (fraction === 0) return at;
    const tenths = Math.floor(fraction / 100);
    const hundredths = Math.floor(fraction / 10) % 10;
    const thousandths = fraction % 10;
    out[at++] = DOT;
    out[at++] = ZERO + tenths;
    if (hundredths === 0 && thousandths === 0) return at;
    out[at++] = ZERO + hundredths;
    if (thousandths !== 0) out[at++] = ZERO + thousandths;
    return at;
  };
  const lines = (data: SharedArrayBuffer, length: number): Buffer => {
    const slots = new Float64Array(data, 0, length >> 3);
    const bytes = new Uint8Array(data, 0, length);
    /** Each defined text's start and length in `bytes`. */
    const texts: number[] = [];
    const prefixes = new Map<number, { ms: number; text: Buffer }>();
    let at = 0;
    let record = 0;
    while (record < length) {
      const i = record >> 3;
      const tag = slots[i];
      if (tag === layout.FRAME) {
        const now = slots[i + 3]!;
        if (now !== isoMs) {
          isoMs = now;
          iso = ascii(new Date(now).toISOString());
        }
        // The line up to its numbers, made once per millisecond for each source and fragment.
        // Exact as a double: indexes stay below 2^21 (a batch holds at most 16 MiB of records).
        const key = slots[i + 1]! * 4294967296 + slots[i + 2]!;
        let prefix = prefixes.get(key);
        if (prefix === undefined || prefix.ms !== now) {
          const source = slots[i + 1]! * 2;
          const fragment = slots[i + 2]! * 2;
          const text = Buffer.allocUnsafeSlow(TIME.length + iso.length + 1 + texts[source + 1]! + texts[fragment + 1]!);
          let p = 0;
          text.set(TIME, p);
          text.set(iso, (p += TIME.length));
          text.set(QUOTE, (p += iso.length));
          text.set(bytes.subarray(texts[source]!, texts[source]! + texts[source + 1]!), (p += 1));
          text.set(bytes.subarray(texts[fragment]!, texts[fragment]! + texts[fragment + 1]!), (p += texts[source + 1]!));
          prefix = { ms: now, text };
          prefixes.set(key, prefix);
        }
        room(at, prefix.text.length + 128);
        out.set(prefix.text, at);
        at += prefix.text.length;
        // NaN (not equal to itself) marks an absent id or duration.
        const id = slots[i + 4]!;
        if (id === id) at = count(id, put(ID, at));
        const micros = slots[i + 5]!;
        if (micros === micros) at = millis(micros, put(DURATION, at));
        at = count(slots[i + 6]!, put(BYTES, at));
        at = put(END, at);
        record += layout.FRAME_BYTES;
      } else if (tag === layout.TEXT) {
        const n = slots[i + 1]!;
        const start = record + layout.TEXT_HEADER;
        room(at, n + 1);
        out.set(bytes.subarray(start, start + n), at);
        at += n;
        out[at++] = NEWLINE;
        record = start + pad(n);
      } else if (tag === layout.DEFINE) {
        const n = slots[i + 2]!;
        const start = record + layout.DEFINE_HEADER;
        const index = slots[i + 1]! * 2;
        texts[index] = start;
        texts[index + 1] = n;
        record = start + pad(n);
      } else throw new Error(`bad trace record (tag ${tag} at byte ${record})`);
    }
    return out.subarray(0, at);
  };
  return {
    lines,
    trim: () => {
      if (out.length > 4 * OUT_BYTES) out = Buffer.allocUnsafeSlow(OUT_BYTES);
    },
  };
}
