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
  // The helpers below write to `o`, the current `out` handed in: V8 keeps a parameter in
  // a register, where `out` (a variable room() reassigns) is read again for every byte.
  /** Copies a short constant: a loop, as set() costs a builtin call and subarray() a view. */
  const put = (o: Buffer, from: Uint8Array, at: number): number => {
    for (let i = 0; i < from.length; i++) o[at + i] = from[i]!;
    return at + from.length;
  };
  /** The digits of `n`, a non-negative integer below 1e15, as JSON writes it. */
  const count = (o: Buffer, n: number, at: number): number => {
    if (n < 0x80000000) {
      // The usual case: int32 arithmetic (a division by 10 becomes a multiplication).
      let m = n | 0;
      const end = at + (m < 10 ? 1 : m < 100 ? 2 : m < 1000 ? 3 : m < 10000 ? 4 : m < 100000 ? 5 : m < 1000000 ? 6 : m < 10000000 ? 7 : m < 100000000 ? 8 : m < 1000000000 ? 9 : 10);
      let i = end;
      do {
        const q = (m / 10) | 0;
        o[--i] = ZERO + m - q * 10;
        m = q;
      } while (m > 0);
      return end;
    }
    let digits = 1;
    for (let power = 10; power <= n; power *= 10) digits += 1;
    let i = at + digits;
    do {
      const q = Math.floor(n / 10);
      o[--i] = ZERO + (n - q * 10);
      n = q;
    } while (n > 0);
    return at + digits;
  };
  /** `micros / 1000` as JSON writes that number: `12.5`, `0.043`, `3` (trailing zeros dropped). */
  const millis = (o: Buffer, micros: number, at: number): number => {
    const whole = Math.floor(micros / 1000);
    at = count(o, whole, at);
    const fraction = (micros - whole * 1000) | 0;
    if (fraction === 0) return at;
    const tenths = (fraction / 100) | 0;
    const rest = fraction - tenths * 100;
    const hundredths = (rest / 10) | 0;
    const thousandths = rest - hundredths * 10;
    o[at++] = DOT;
    o[at++] = ZERO + tenths;
    if (rest === 0) return at;
    o[at++] = ZERO + hundredths;
    if (thousandths !== 0) o[at++] = ZERO + thousandths;
    return at;
  };
  /**
   * `{"time":"<iso>"` + source + fragment: the line up to its numbers, one per source and
   * fragment used in the batch, made once per batch. A new millisecond rewrites the time
   * in place (an ISO time keeps its length), so there is no allocation per millisecond
   * nor a hashed lookup per frame. lines() checks for a hit itself and calls this only on
   * a miss: a time (ms since the epoch, no small integer) passed to a call is boxed, a
   * heap number a frame, and that garbage cost the thread a collection every few batches.
   */
  interface Prefix {
    ms: number;
    text: Buffer;
  }
  let prefixes: (Prefix | undefined)[][] = [];
  const prefixOf = (bytes: Uint8Array, texts: number[], source: number, fragment: number, now: number): Prefix => {
    const bySource = (prefixes[source] ??= []);
    let prefix = bySource[fragment];
    if (now !== isoMs) {
      isoMs = now;
      iso = ascii(new Date(now).toISOString());
    }
    const s = source * 2;
    const f = fragment * 2;
    const size = TIME.length + iso.length + 1 + texts[s + 1]! + texts[f + 1]!;
    if (prefix !== undefined && prefix.text.length === size) {
      prefix.text.set(iso, TIME.length);
      prefix.ms = now;
      return prefix;
    }
    const text = Buffer.allocUnsafeSlow(size);
    let p = 0;
    text.set(TIME, p);
    text.set(iso, (p += TIME.length));
    text.set(QUOTE, (p += iso.length));
    text.set(bytes.subarray(texts[s]!, texts[s]! + texts[s + 1]!), (p += 1));
    text.set(bytes.subarray(texts[f]!, texts[f]! + texts[f + 1]!), (p += texts[s + 1]!));
    prefix = { ms: now, text };
    bySource[fragment] = prefix;
    return prefix;
  };
  const lines = (data: SharedArrayBuffer, length: number): Buffer => {
    const slots = new Float64Array(data, 0, length >> 3);
    const bytes = new Uint8Array(data, 0, length);
    /** Each defined text's start and length in `bytes`. */
    const texts: number[] = [];
    prefixes = [];
    let at = 0;
    let record = 0;
    while (record < length) {
      const i = record >> 3;
      const tag = slots[i];
      if (tag === layout.FRAME) {
        const source = slots[i + 1]!;
        const fragment = slots[i + 2]!;
        const now = slots[i + 3]!;
        let hit = prefixes[source]?.[fragment];
        if (hit === undefined || hit.ms !== now) hit = prefixOf(bytes, texts, source, fragment, now);
        const prefix = hit.text;
        room(at, prefix.length + 128);
        const o = out;
        o.set(prefix, at);
        at += prefix.length;
        // NaN (not equal to itself) marks an absent id or duration.
        const id = slots[i + 4]!;
        if (id === id) at = count(o, id, put(o, ID, at));
        const micros = slots[i + 5]!;
        if (micros === micros) at = millis(o, micros, put(o, DURATION, at));
        at = put(o, END, count(o, slots[i + 6]!, put(o, BYTES, at)));
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
