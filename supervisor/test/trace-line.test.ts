import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent, TraceRecord } from '../src/trace/frame-event.js';
import { FrameRing, LAST_FRAMES } from '../src/trace/frame-ring.js';
import { Redactor } from '../src/trace/redact.js';
import { RotatingFile } from '../src/trace/rotating-file.js';
import { TraceLineEncoder } from '../src/trace/trace-line.js';
import { fileRecorder } from '../src/trace/frame-recorder.js';
import { buildRecord } from '../src/trace/trace-record.js';
import type { FrameSource } from '../src/trace/trace-record.js';

const redactor = new Redactor(['token', 'password'], ['s3cret-value']);
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

const events: FrameEvent[] = [
  { dir: 'out', kind: 'request', method: 'run', id: 7, bytes: 118, message: { jsonrpc: '2.0', id: 7, method: 'run', params: { action: { action: 'echo', args: { text: 'hi' } } } } },
  { dir: 'in', kind: 'response', method: 'run', id: 7, durationMs: 0.123456, bytes: 90, message: { jsonrpc: '2.0', id: 7, result: { content: 'hi' } } },
  { dir: 'in', kind: 'response', method: 'run', id: 8, durationMs: 1234.5, bytes: 90, message: { jsonrpc: '2.0', id: 8, result: null } },
  { dir: 'in', kind: 'response', method: 'run', id: 9, durationMs: 0.0004, bytes: 0, message: { jsonrpc: '2.0', id: 9, result: 1 } },
  { dir: 'in', kind: 'response', method: 'run', id: 10, durationMs: 3, bytes: 12, message: { jsonrpc: '2.0', id: 10 } },
  // Quotes, backslashes, control characters, non-ASCII, lone surrogates in a method name and a string id.
  { dir: 'in', kind: 'request', method: 'we"ird\\me\nthod\u0001é😀\ud800', id: 'a"b\u2028c', bytes: 3, message: { jsonrpc: '2.0', id: 'a"b\u2028c', method: 'x', params: { token: 'x', note: 'ünï "q" s3cret-value' } } },
  { dir: 'in', kind: 'notification', method: 'plugd/progress', bytes: 70, message: { jsonrpc: '2.0', method: 'plugd/progress', params: { id: 7, content: 'total 0\n' } } },
  { dir: 'out', kind: 'notification', method: 'initialized', bytes: 52, message: { jsonrpc: '2.0', method: 'initialized', params: {} } },
  { dir: 'out', kind: 'notification', method: 'shutdown', bytes: 40, message: { jsonrpc: '2.0', method: 'shutdown' } },
  // Error responses: scrubbed message, missing code, non-string message, data (verbose only).
  { dir: 'in', kind: 'error', method: 'run', id: 11, durationMs: 2.5, bytes: 80, message: { jsonrpc: '2.0', id: 11, error: { code: -32603, message: 'boom "s3cret-value" ✗', data: { token: 't', why: 1 } } } },
  { dir: 'in', kind: 'error', method: 'run', id: 12, durationMs: 2.5, bytes: 80, message: { jsonrpc: '2.0', id: 12, error: { message: 42 } } },
  { dir: 'in', kind: 'error', method: 'run', id: 13, bytes: 80, message: { jsonrpc: '2.0', id: 13 } },
  // A run asked for by another plugin names its caller; odd callers too.
  { dir: 'out', kind: 'request', method: 'run', id: 14, bytes: 200, message: { jsonrpc: '2.0', id: 14, method: 'run', params: { caller: { plugin: 'comp"ose', requestId: 'r\\1', depth: 2 } } } },
  { dir: 'in', kind: 'request', method: 'plugd/execute', id: 15, bytes: 200, message: { jsonrpc: '2.0', id: 15, method: 'plugd/execute', params: { caller: { plugin: 'p', requestId: 3, depth: 1, extra: [undefined, 'x'] } } } },
  { dir: 'out', kind: 'request', method: 'run', id: 16, bytes: 200, message: { jsonrpc: '2.0', id: 16, method: 'run', params: { caller: null } } },
  // A response's params are not a caller.
  { dir: 'in', kind: 'response', method: 'run', id: 17, bytes: 9, message: { jsonrpc: '2.0', id: 17, params: { caller: { plugin: 'p' } }, result: 'r' } },
  // Verbose payloads JSON leaves out or changes.
  { dir: 'out', kind: 'request', method: 'run', id: 18, bytes: 9, message: { jsonrpc: '2.0', id: 18, method: 'run', params: undefined } },
  { dir: 'in', kind: 'response', method: 'run', id: 19, bytes: 9, message: { jsonrpc: '2.0', id: 19, result: { when: new Date(NOW), n: Number.NaN, inf: -Infinity, nested: { password: 'p' } } } },
  { dir: 'in', kind: 'response', method: 'run', id: 20, durationMs: Number.NaN, bytes: 9, message: { jsonrpc: '2.0', id: 20, result: [] } },
  { dir: 'in', kind: 'response', method: 'run', id: -0, durationMs: -0.0001, bytes: 9, message: { jsonrpc: '2.0', id: -0, result: 0 } },
  { dir: 'in', kind: 'response', method: 'run', id: 2 ** 53, durationMs: 1e21, bytes: 2 ** 31, message: { jsonrpc: '2.0', id: 2 ** 53, result: 0 } },
];

const sources: FrameSource[] = [
  { pid: 4242, generation: 1 },
  { pid: undefined, generation: 3 },
];
const plugins = ['echo', 'plu"g\\in é😀'];
const levels: TraceLevel[] = ['messages', 'verbose'];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A clock for a recorder that reads what the test set last. */
function testClock(): { at(now: number): void; read: () => number } {
  let time = 0;
  return { at: (now) => (time = now), read: () => time };
}

/** The lines `write` puts in a fresh trace file. */
async function fileLines(write: (file: RotatingFile) => void): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'plugd-line-'));
  dirs.push(dir);
  const file = new RotatingFile(join(dir, 't.jsonl'), { maxBytes: 1 << 30, maxFiles: 2 });
  write(file);
  await file.close();
  return readFileSync(join(dir, 't.jsonl'), 'utf8').split('\n').slice(0, -1);
}

/** Times whose ISO text is not 24 characters long, or far from now: year 10000 on, before year 0, the epoch. */
const FAR_TIMES = [Date.UTC(10000, 0, 1), 8.64e15, -62198755200000, 0, Date.UTC(1969, 11, 31, 23, 59, 59, 999)];

/** Ids and sizes with every count of digits: each power of ten and its neighbours, and around 2^31 and 2^32. */
function countEvents(): FrameEvent[] {
  const counts = [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 1e15 - 1];
  for (let power = 1; power < 1e15; power *= 10) counts.push(power - 1, power, power + 1);
  return counts.map((n, i) => ({ dir: 'in', kind: 'response', method: 'run', id: n, durationMs: n / 1e6, bytes: counts[counts.length - 1 - i]!, message: { jsonrpc: '2.0', id: n, result: {} } }));
}

/** Responses with many durations: sub-microsecond, rounding up to a whole, long, huge. */
function durationEvents(): FrameEvent[] {
  const durations = [0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.9995, 0.9996, 1, 1.05, 1.1, 2.675, 10.0005, 99.999, 123456.789, 1e9 + 0.001, 1e12 - 0.001, 1e12, 1e13];
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 48271) % 2147483647;
    durations.push((seed / 2147483647) * 10 ** ((i % 9) - 2));
  }
  return durations.map((durationMs, i) => ({ dir: 'in', kind: 'response', method: 'run', id: i, durationMs, bytes: i * 37, message: { jsonrpc: '2.0', id: i, result: {} } }));
}

describe('TraceLineEncoder', () => {
  it('writes exactly what JSON.stringify of the record gives, over tricky values', () => {
    let compared = 0;
    for (const plugin of plugins) {
      for (const level of levels) {
        const encoder = new TraceLineEncoder(plugin, redactor);
        // Twice over, so the cached fragments are checked as well as the fresh ones.
        for (const round of [0, 1]) {
          for (const source of sources) {
            for (const event of events) {
              const now = NOW + round;
              const expected = JSON.stringify(buildRecord(plugin, source, level, event, redactor, new Date(now).toISOString()));
              expect(encoder.line(source, level, event, now)).toBe(expected);
              compared += 1;
            }
          }
        }
      }
    }
    expect(compared).toBe(plugins.length * levels.length * 2 * sources.length * events.length);
  });

  it('writes the same lines in place into a trace file (the fast path) as JSON.stringify of the record', async () => {
    const all = [...events, ...durationEvents(), ...countEvents()];
    const expected: string[] = [];
    const lines = await fileLines((file) => {
      for (const plugin of plugins) {
        for (const level of levels) {
          for (const source of sources) {
            const clock = testClock();
            const tell = fileRecorder(new TraceLineEncoder(plugin, redactor), file, new FrameRing(), source, level, clock.read);
            all.forEach((event, i) => {
              // Milliseconds going by, and clocks set far off (a time of another length).
              const now = i % 97 === 0 ? FAR_TIMES[(i / 97) % FAR_TIMES.length]! : NOW + (i >> 2);
              expected.push(JSON.stringify(buildRecord(plugin, source, level, event, redactor, new Date(now).toISOString())));
              clock.at(now);
              tell(event.dir, event.kind, event.method, event.id, event.durationMs, event.bytes, event.message);
            });
          }
        }
      }
    });
    expect(lines.length).toBe(plugins.length * levels.length * sources.length * all.length);
    for (let i = 0; i < lines.length; i++) if (lines[i] !== expected[i]) expect(lines[i]).toBe(expected[i]);
  });

  it('follows a process that gets its pid after the listener was made', () => {
    const encoder = new TraceLineEncoder('echo', redactor);
    const proc: { pid: number | undefined; generation: number } = { pid: undefined, generation: 2 };
    const event = events[0]!;
    expect(JSON.parse(encoder.line(proc, 'messages', event, NOW))).not.toHaveProperty('pid');
    proc.pid = 99;
    expect(JSON.parse(encoder.line(proc, 'messages', event, NOW))).toMatchObject({ pid: 99, generation: 2 });
  });

  it('follows a process that gets its pid after its file recorder was made', async () => {
    const proc: { pid: number | undefined; generation: number } = { pid: undefined, generation: 2 };
    const ring = new FrameRing();
    const lines = await fileLines((file) => {
      const tell = fileRecorder(new TraceLineEncoder('echo', redactor), file, ring, proc, 'messages', () => NOW);
      tell('out', 'request', 'run', 1, undefined, 10, { jsonrpc: '2.0', id: 1, method: 'run', params: {} });
      proc.pid = 99;
      tell('in', 'response', 'run', 1, 0.5, 10, { jsonrpc: '2.0', id: 1, result: {} });
    });
    expect(lines.map((l) => JSON.parse(l) as { pid?: number })).toEqual([expect.not.objectContaining({ pid: expect.anything() }), expect.objectContaining({ pid: 99, generation: 2 })]);
    expect(ring.records('echo', redactor).map((r) => r.pid)).toEqual([undefined, 99]);
  });

  it('keeps secrets out of error messages at messages level', () => {
    const line = new TraceLineEncoder('echo', redactor).line(sources[0]!, 'messages', events[9]!, NOW);
    expect(line).not.toContain('s3cret-value');
    expect(JSON.parse(line).error).toEqual({ code: -32603, message: 'boom "[REDACTED]" ✗' });
  });
});

describe('FrameRing', () => {
  it('gives the records of the last frames, oldest first, as the trace file has them', () => {
    const source = { pid: 77, generation: 4 };
    // Every event at both levels, the ring read after each frame: callers, errors, odd durations.
    for (const offset of [0, 1]) {
      const ring = new FrameRing();
      const levelOf = (i: number): TraceLevel => ((i + offset) % 2 === 0 ? 'messages' : 'verbose');
      const expected: TraceRecord[] = [];
      events.forEach((event, i) => {
        ring.add(source, levelOf(i), event, NOW + i);
        expected.push(buildRecord('echo', source, levelOf(i), event, redactor, new Date(NOW + i).toISOString()));
        expect(ring.records('echo', redactor)).toEqual(expected.slice(-LAST_FRAMES));
      });
    }
    expect(new FrameRing().records('echo', redactor)).toEqual([]);
  });

  it('keeps the usual frames a file recorder passes it as numbers, among whole ones, and gives the same records', async () => {
    const all = [...events, ...durationEvents().slice(0, 40), ...countEvents().slice(0, 40)];
    await fileLines((file) => {
      for (const level of levels) {
        for (const source of [{ pid: 77, generation: 4 }, { pid: undefined, generation: 1 }]) {
          const ring = new FrameRing();
          const clock = testClock();
          const tell = fileRecorder(new TraceLineEncoder('echo', redactor), file, ring, source, level, clock.read);
          const expected: TraceRecord[] = [];
          all.forEach((event, i) => {
            clock.at(NOW + i);
            tell(event.dir, event.kind, event.method, event.id, event.durationMs, event.bytes, event.message);
            expected.push(buildRecord('echo', source, level, event, redactor, new Date(NOW + i).toISOString()));
            expect(ring.records('echo', redactor)).toEqual(expected.slice(-LAST_FRAMES));
          });
        }
      }
    });
  });
});
