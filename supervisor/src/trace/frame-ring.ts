import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent, TraceRecord } from './frame-event.js';
import type { Redactor } from './redact.js';
import { buildRecord, callerOf } from './trace-record.js';
import type { FrameSource } from './trace-record.js';

/** Frames kept per plugin for its crash report (only while tracing is on). */
export const LAST_FRAMES = 8;

/** What a frame is, apart from its numbers: shared by every frame of one method, dir and kind. */
export interface FrameShape {
  readonly dir: FrameEvent['dir'];
  readonly kind: FrameEvent['kind'];
  readonly method: string;
}

/** A frame kept whole: one the usual numbers do not describe (an error, a caller, a string id, `verbose`). */
interface WholeFrame {
  readonly event: FrameEvent;
  readonly source: FrameSource;
  readonly level: TraceLevel;
}

/** What a record at `messages` reads of a frame's message when it names no caller and is no error: nothing. */
const NO_MESSAGE = Object.freeze({});
/** Numbers kept per frame: time (ms since the epoch), id, duration, bytes, pid, generation (NaN: none). */
const NUMBERS = 6;

/**
 * A plugin's last LAST_FRAMES traced frames, for its crash report. Every traced frame
 * passes through here, so the usual one (`messages`, numbers only: addUsual) costs six
 * numbers and its shared shape, and a record is built only when a crash report asks. A
 * frame the numbers do not describe is kept whole (add).
 */
export class FrameRing {
  private readonly numbers = new Float64Array(LAST_FRAMES * NUMBERS);
  private readonly shapes: (FrameShape | undefined)[] = new Array<FrameShape | undefined>(LAST_FRAMES).fill(undefined);
  private readonly wholes: (WholeFrame | undefined)[] = new Array<WholeFrame | undefined>(LAST_FRAMES).fill(undefined);
  private next = 0;
  private count = 0;

  /** The usual frame at `messages`: an integer id (or none), a duration (or none), no caller, no error. */
  addUsual(shape: FrameShape, now: number, id: number | undefined, durationMs: number | undefined, bytes: number, pid: number | undefined, generation: number): void {
    const i = this.next;
    this.shapes[i] = shape;
    this.wholes[i] = undefined;
    const numbers = this.numbers;
    const at = i * NUMBERS;
    numbers[at] = now;
    numbers[at + 1] = id ?? Number.NaN;
    numbers[at + 2] = durationMs ?? Number.NaN;
    numbers[at + 3] = bytes;
    numbers[at + 4] = pid ?? Number.NaN;
    numbers[at + 5] = generation;
    this.advance(i);
  }

  /** Any frame, kept whole (what its record reads of the message included). */
  add(source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): void {
    const i = this.next;
    const keep = level === 'verbose' || event.kind === 'error' || (event.kind === 'request' && Boolean(callerOf(event)));
    this.shapes[i] = undefined;
    this.wholes[i] = { event: { ...event, message: keep ? event.message : NO_MESSAGE }, source: { pid: source.pid, generation: source.generation }, level };
    this.numbers[i * NUMBERS] = now;
    this.advance(i);
  }

  /** The kept frames' records, oldest first (as the trace file has them). */
  records(plugin: string, redactor: Redactor): TraceRecord[] {
    const records: TraceRecord[] = [];
    for (let back = this.count; back > 0; back--) {
      const i = (this.next - back + LAST_FRAMES) % LAST_FRAMES;
      const at = i * NUMBERS;
      const time = new Date(this.numbers[at]!).toISOString();
      const whole = this.wholes[i];
      if (whole) {
        records.push(buildRecord(plugin, whole.source, whole.level, whole.event, redactor, time));
        continue;
      }
      const shape = this.shapes[i]!;
      const n = (k: number): number | undefined => {
        const value = this.numbers[at + k]!;
        return Number.isNaN(value) ? undefined : value;
      };
      const event: FrameEvent = { dir: shape.dir, kind: shape.kind, method: shape.method, id: n(1), durationMs: n(2), bytes: this.numbers[at + 3]!, message: NO_MESSAGE };
      records.push(buildRecord(plugin, { pid: n(4), generation: this.numbers[at + 5]! }, 'messages', event, redactor, time));
    }
    return records;
  }

  private advance(i: number): void {
    this.next = (i + 1) % LAST_FRAMES;
    if (this.count < LAST_FRAMES) this.count += 1;
  }
}
