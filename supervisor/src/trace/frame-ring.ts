import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent, ReusedFrameEvent, TraceRecord } from './frame-event.js';
import { reusedFrameEvent } from './frame-event.js';
import type { Redactor } from './redact.js';
import { buildRecord, callerOf } from './trace-record.js';
import type { FrameSource } from './trace-record.js';

/** Frames kept per plugin for its crash report (only while tracing is on). */
export const LAST_FRAMES = 8;

interface Slot {
  /** What the record needs of the frame (a channel reuses its event object for the next frame). */
  readonly event: ReusedFrameEvent;
  pid: number | undefined;
  generation: number;
  level: TraceLevel;
}

/** What a record at `messages` reads of a frame's message when it names no caller and is no error: nothing. */
const NO_MESSAGE = Object.freeze({});

/**
 * A plugin's last LAST_FRAMES traced frames, for its crash report. Every traced frame
 * passes through here, so it keeps what the record needs in reused slots and builds the
 * records only when a crash report asks for them. Its time and duration go to a
 * Float64Array and the message only when the record reads it: the slots are old objects,
 * and storing a young one in them (a fresh number or message) costs a write barrier's
 * slow path per frame.
 */
export class FrameRing {
  private readonly slots: Slot[] = Array.from({ length: LAST_FRAMES }, () => ({ event: reusedFrameEvent(), pid: undefined, generation: 0, level: 'off' }));
  /** Per slot: the frame's time (ms since the epoch) and its duration, if it has one. */
  private readonly numbers = new Float64Array(LAST_FRAMES * 2);
  private readonly hasDuration = new Uint8Array(LAST_FRAMES);
  private next = 0;
  private count = 0;

  add(source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): void {
    const i = this.next;
    const slot = this.slots[i]!;
    const to = slot.event;
    to.dir = event.dir;
    to.kind = event.kind;
    to.method = event.method;
    to.id = event.id;
    to.bytes = event.bytes;
    to.message = level === 'verbose' || event.kind === 'error' ? event.message : event.kind === 'request' && callerOf(event) ? event.message : NO_MESSAGE;
    slot.pid = source.pid;
    slot.generation = source.generation;
    slot.level = level;
    this.numbers[i * 2] = now;
    const duration = event.durationMs;
    this.hasDuration[i] = duration === undefined ? 0 : 1;
    this.numbers[i * 2 + 1] = duration ?? 0;
    this.next = (i + 1) % LAST_FRAMES;
    if (this.count < LAST_FRAMES) this.count += 1;
  }

  /** The kept frames' records, oldest first (as the trace file has them). */
  records(plugin: string, redactor: Redactor): TraceRecord[] {
    const records: TraceRecord[] = [];
    for (let back = this.count; back > 0; back--) {
      const i = (this.next - back + LAST_FRAMES) % LAST_FRAMES;
      const slot = this.slots[i]!;
      const event: FrameEvent = { ...slot.event, durationMs: this.hasDuration[i] ? this.numbers[i * 2 + 1]! : undefined };
      records.push(buildRecord(plugin, slot, slot.level, event, redactor, new Date(this.numbers[i * 2]!).toISOString()));
    }
    return records;
  }
}
