import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent, ReusedFrameEvent, TraceRecord } from './frame-event.js';
import { copyFrameEvent, reusedFrameEvent } from './frame-event.js';
import type { Redactor } from './redact.js';
import { buildRecord } from './trace-record.js';
import type { FrameSource } from './trace-record.js';

/** Frames kept per plugin for its crash report (only while tracing is on). */
export const LAST_FRAMES = 8;

interface Slot {
  /** A copy: a channel reuses its event object for the next frame. */
  readonly event: ReusedFrameEvent;
  pid: number | undefined;
  generation: number;
  level: TraceLevel;
  now: number;
}

/**
 * A plugin's last LAST_FRAMES traced frames, for its crash report. Every traced frame
 * passes through here, so it keeps what the record needs in reused slots (no allocation
 * per frame) and builds the records only when a crash report asks for them.
 */
export class FrameRing {
  private readonly slots: Slot[] = Array.from({ length: LAST_FRAMES }, () => ({ event: reusedFrameEvent(), pid: undefined, generation: 0, level: 'off', now: 0 }));
  private next = 0;
  private count = 0;

  add(source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): void {
    const slot = this.slots[this.next]!;
    copyFrameEvent(slot.event, event);
    slot.pid = source.pid;
    slot.generation = source.generation;
    slot.level = level;
    slot.now = now;
    this.next = (this.next + 1) % LAST_FRAMES;
    if (this.count < LAST_FRAMES) this.count += 1;
  }

  /** The kept frames' records, oldest first (as the trace file has them). */
  records(plugin: string, redactor: Redactor): TraceRecord[] {
    const records: TraceRecord[] = [];
    for (let i = this.count; i > 0; i--) {
      const slot = this.slots[(this.next - i + LAST_FRAMES) % LAST_FRAMES]!;
      records.push(buildRecord(plugin, slot, slot.level, slot.event, redactor, new Date(slot.now).toISOString()));
    }
    return records;
  }
}
