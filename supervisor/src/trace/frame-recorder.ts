import type { TraceLevel } from '@plugd/protocol';
import type { FrameListener } from './frame-event.js';
import { frameEvent } from './frame-event.js';
import { frameClock } from './frame-clock.js';
import type { FrameRing } from './frame-ring.js';
import type { RotatingFile } from './rotating-file.js';
import type { LineShape, TraceLineEncoder } from './trace-line.js';
import { isCount, kindIndex } from './trace-line.js';
import { callerOfMessage } from './trace-record.js';
import type { FrameSource } from './trace-record.js';

/**
 * The listener of one process's frames traced to a file: each frame goes to the file and
 * to the plugin's crash-report ring. The usual frame (`messages`, an integer id or none,
 * a duration or none, no caller, no error) takes the short path: its shape is the one
 * the frame before it of the same dir and kind had, and it goes as numbers to both (the
 * write thread makes its line: batch-records.ts). Any other frame is made whole and
 * written as a line (TraceLineEncoder.line). The short path is kept small on purpose: it
 * runs twice an action, and at a high frame rate every step of it showed in the
 * throughput (docs/performance.md). `clock` gives a frame's time (ms since the epoch).
 */
export function fileRecorder(encoder: TraceLineEncoder, file: RotatingFile, ring: FrameRing, source: FrameSource, level: TraceLevel, clock: () => number = frameClock): FrameListener {
  const usualLevel = level === 'messages';
  /** Per dir and kind (index: dir * 4 + kind), the shape of the last frame. */
  const last: (LineShape | undefined)[] = new Array<LineShape | undefined>(8).fill(undefined);
  let pid = source.pid;
  let sourceText = encoder.sourceText(source);

  const whole: FrameListener = (dir, kind, method, id, durationMs, bytes, message) => {
    const now = clock();
    const event = frameEvent(dir, kind, method, id, durationMs, bytes, message);
    ring.add(source, level, event, now);
    file.write(encoder.line(source, level, event, now));
  };
  const shapeOf = (dir: 'out' | 'in', kind: 'request' | 'response' | 'notification', method: string, slot: number): LineShape => {
    const shape = encoder.shape(dir, kind, method);
    last[slot] = shape;
    return shape;
  };

  return (dir, kind, method, id, durationMs, bytes, message) => {
    const micros = durationMs === undefined ? Number.NaN : Math.round(durationMs * 1000);
    if (
      !usualLevel ||
      kind === 'error' ||
      (id !== undefined && !isCount(id)) ||
      !isCount(bytes) ||
      (durationMs !== undefined && !(micros >= 0 && micros < 1e15)) ||
      (kind === 'request' && callerOfMessage(message))
    ) {
      whole(dir, kind, method, id, durationMs, bytes, message);
      return;
    }
    const now = clock();
    // A process has no pid until it is spawned: its text is made again once it has one.
    if (source.pid !== pid) {
      pid = source.pid;
      sourceText = encoder.sourceText(source);
    }
    const slot = (dir === 'out' ? 0 : 4) + kindIndex(kind);
    let shape = last[slot];
    if (shape === undefined || shape.method !== method) shape = shapeOf(dir, kind, method, slot);
    file.frame(sourceText, shape.text, now, id === undefined ? Number.NaN : id, micros, bytes);
    ring.addUsual(shape, now, id, durationMs, bytes, pid, source.generation);
  };
}
