import type * as Fs from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type { RecordLayout } from './batch-records.js';

/** main thread -> write thread */
export type ToWriter =
  | { readonly op: 'open'; readonly file: number; readonly path: string; readonly maxBytes: number; readonly maxFiles: number }
  /** A batch buffer, shared once: batches then name it by number (no buffer crosses per batch). */
  | { readonly op: 'buffer'; readonly buffer: number; readonly data: SharedArrayBuffer }
  | { readonly op: 'forget'; readonly buffer: number }
  /** The first `length` bytes of a buffer, whole records (batch-records.ts); it is the thread's until `written`. */
  | { readonly op: 'write'; readonly file: number; readonly buffer: number; readonly length: number }
  | { readonly op: 'close'; readonly file: number }
  | { readonly op: 'flush'; readonly token: number };

/** write thread -> main thread */
export type FromWriter =
  | { readonly op: 'written'; readonly file: number; readonly buffer: number; readonly error?: string; readonly code?: string }
  | { readonly op: 'flushed'; readonly token: number };

/**
 * The body of the trace write thread. It runs in a worker from its source text (see
 * write-thread.ts), so it must not reach anything outside itself: `fs`, `port` and the
 * record layout are handed in. A batch's records become JSON lines here (frames are
 * formatted as TraceLineEncoder.line() would), and writes are synchronous, off the
 * supervisor's event loop: each file appended to and rotated (`x` -> `x.1` -> ...) as the
 * main thread's RotatingFile describes, whole lines only. Messages are handled in order,
 * so `flushed` means every write posted before it is done.
 */
export function runWriteThread(fs: typeof Fs, port: MessagePort, layout: RecordLayout): void {
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
  /** Copies `length` bytes of `from` at `start` to `out` at `at`: a loop, as copy() and subarray() allocate a view per call. */
  const put = (from: Uint8Array, start: number, length: number, at: number): number => {
    for (let i = 0; i < length; i++) out[at + i] = from[start + i]!;
    return at + length;
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
  /** The lines of a batch of records (batch-records.ts), as UTF-8 in `out` (valid until the next batch). */
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
        if (id === id) at = count(id, put(ID, 0, ID.length, at));
        const micros = slots[i + 5]!;
        if (micros === micros) at = millis(micros, put(DURATION, 0, DURATION.length, at));
        at = count(slots[i + 6]!, put(BYTES, 0, BYTES.length, at));
        at = put(END, 0, END.length, at);
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
  interface Open {
    readonly path: string;
    readonly maxBytes: number;
    readonly maxFiles: number;
    fd: number | undefined;
    size: number;
  }
  const files = new Map<number, Open>();
  const buffers = new Map<number, SharedArrayBuffer>();

  const openFd = (f: Open): number => {
    const slash = f.path.lastIndexOf('/');
    if (slash > 0) fs.mkdirSync(f.path.slice(0, slash), { recursive: true });
    const fd = fs.openSync(f.path, 'a');
    f.fd = fd;
    f.size = fs.fstatSync(fd).size;
    return fd;
  };
  const closeFd = (f: Open): void => {
    if (f.fd !== undefined) {
      try {
        fs.closeSync(f.fd);
      } catch {
        // already gone
      }
    }
    f.fd = undefined;
  };
  const rotate = (f: Open): void => {
    closeFd(f);
    if (f.maxFiles <= 1) fs.rmSync(f.path, { force: true });
    else {
      fs.rmSync(`${f.path}.${f.maxFiles - 1}`, { force: true });
      for (let i = f.maxFiles - 2; i >= 0; i--) {
        try {
          fs.renameSync(i === 0 ? f.path : `${f.path}.${i}`, `${f.path}.${i + 1}`);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
    openFd(f);
  };
  const append = (f: Open, data: Uint8Array, start: number, end: number): void => {
    const fd = f.fd ?? openFd(f);
    while (start < end) {
      const n = fs.writeSync(fd, data, start, end - start);
      start += n;
      f.size += n;
    }
  };
  /** Whole lines, as many as fit in the current file at a time, rotating in between. */
  const write = (f: Open, data: Uint8Array): void => {
    if (f.fd === undefined) openFd(f);
    if (f.size + data.length <= f.maxBytes) return append(f, data, 0, data.length);
    let start = 0;
    while (start < data.length) {
      const room = f.maxBytes - f.size;
      let end = start;
      while (end < data.length) {
        const next = data.indexOf(NEWLINE, end) + 1;
        if (next === 0 || next - start > room) break;
        end = next;
      }
      if (end === start) {
        if (f.size > 0) {
          rotate(f);
          continue;
        }
        // A line longer than maxBytes: alone in a file.
        const next = data.indexOf(NEWLINE, start) + 1;
        end = next === 0 ? data.length : next;
      }
      append(f, data, start, end);
      start = end;
      if (start < data.length) rotate(f);
    }
  };

  port.on('message', (message: ToWriter) => {
    switch (message.op) {
      case 'open':
        files.set(message.file, { path: message.path, maxBytes: message.maxBytes, maxFiles: message.maxFiles, fd: undefined, size: 0 });
        return;
      case 'buffer':
        buffers.set(message.buffer, message.data);
        return;
      case 'forget':
        buffers.delete(message.buffer);
        return;
      case 'write': {
        const f = files.get(message.file);
        const data = buffers.get(message.buffer);
        let failure: NodeJS.ErrnoException | undefined;
        if (!f) failure = new Error('the trace file was closed');
        else if (!data) failure = new Error(`trace batch buffer ${message.buffer} is unknown`);
        else {
          try {
            write(f, lines(data, message.length));
            // A batch of big verbose frames grew it: not kept past the batch.
            if (out.length > 4 * OUT_BYTES) out = Buffer.allocUnsafeSlow(OUT_BYTES);
          } catch (error) {
            // This batch is lost; the next one opens the file again.
            closeFd(f);
            failure = error as NodeJS.ErrnoException;
          }
        }
        port.postMessage((failure ? { op: 'written', file: message.file, buffer: message.buffer, error: failure.message, ...(failure.code ? { code: failure.code } : {}) } : { op: 'written', file: message.file, buffer: message.buffer }) satisfies FromWriter);
        return;
      }
      case 'close': {
        const f = files.get(message.file);
        if (f) closeFd(f);
        files.delete(message.file);
        return;
      }
      case 'flush':
        port.postMessage({ op: 'flushed', token: message.token } satisfies FromWriter);
        return;
    }
  });
}
