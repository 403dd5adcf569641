import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent } from './frame-event.js';
import type { Redactor } from './redact.js';
import { callerOf, isoAt, messagesError, roundMs } from './trace-record.js';
import type { FrameSource } from './trace-record.js';
import { BatchText } from './batch-records.js';
import type { FrameShape } from './frame-ring.js';

/** Distinct method names whose quoted fragments are kept per plugin (a plugin could send endless names). */
const MAX_METHODS = 256;
const DIRS = ['out', 'in'] as const;
const KINDS = ['request', 'response', 'notification', 'error'] as const;

/** The index of a frame's kind in KINDS (-1 for none): a switch, as a keyed lookup by a varying string is a megamorphic load per frame. */
export function kindIndex(kind: string): number {
  switch (kind) {
    case 'request':
      return 0;
    case 'response':
      return 1;
    case 'notification':
      return 2;
    case 'error':
      return 3;
    default:
      return -1;
  }
}

/** A FrameShape with its quoted fragment of a line: `,"dir":..,"kind":..,"method":..`. */
export interface LineShape extends FrameShape {
  readonly text: BatchText;
}

/**
 * Writes one plugin's trace records as JSON lines, byte for byte what
 * `JSON.stringify(buildRecord(...))` gives, without building the record or stringifying
 * it: the line is joined from pre-quoted fragments (the time once per millisecond,
 * plugin, pid and generation once per process, dir/kind/method once per method), and
 * JSON.stringify runs only on values not known in advance (string ids, callers, errors,
 * verbose payloads). The usual frame is not even joined here: it goes to the trace file
 * as numbers and the write thread makes the same line (frame-recorder.ts, batch-records.ts).
 */
export class TraceLineEncoder {
  private readonly plugin: string;
  private headMs = Number.NaN;
  private head = '';
  private processOf: FrameSource | undefined;
  private processPid: number | undefined;
  private processText = '';
  /** Per dir and kind (index: dir * 4 + kind), method -> its shape. */
  private readonly shapes: Map<string, LineShape>[] = DIRS.flatMap(() => KINDS.map(() => new Map<string, LineShape>()));

  constructor(
    plugin: string,
    private readonly redactor: Redactor,
  ) {
    this.plugin = JSON.stringify(plugin);
  }

  /** The record of `event` as one line (no newline); `now` is its time in ms since the epoch. */
  line(source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): string {
    this.process(source);
    let text = this.headAt(now) + this.processText + this.shape(event.dir, event.kind, event.method).text.text;
    const id = event.id;
    if (id !== undefined) text += `,"id":${typeof id === 'number' ? num(id) : JSON.stringify(id)}`;
    if (event.durationMs !== undefined) text += `,"durationMs":${num(roundMs(event.durationMs))}`;
    text += `,"bytes":${num(event.bytes)}`;
    const caller = callerOf(event);
    if (caller) text += field('caller', caller);
    if (level === 'verbose') {
      const message = event.message as { params?: unknown; result?: unknown; error?: unknown };
      if ('params' in message) text += field('params', this.redactor.redact(message.params));
      if ('result' in message) text += field('result', this.redactor.redact(message.result));
      if (message.error) text += field('error', this.redactor.redact(message.error));
    } else if (event.kind === 'error') {
      const error = messagesError(event, this.redactor);
      if (error) text += field('error', error);
    }
    return `${text}}`;
  }

  /** `,"plugin":..,"pid":..,"generation":..` of a process as it is now, for the write thread. */
  sourceText(source: FrameSource): BatchText {
    this.process(source);
    return new BatchText(`,"plugin":${this.plugin}${this.processText}`);
  }

  /** The shape of a frame of this dir, kind and method (the same object each time, for the first MAX_METHODS methods). */
  shape(dir: FrameEvent['dir'], kind: FrameEvent['kind'], method: string): LineShape {
    const k = kindIndex(kind);
    const methods = k < 0 ? undefined : this.shapes[(dir === 'out' ? 0 : 4) + k];
    let shape = methods?.get(method);
    if (shape === undefined) {
      shape = { dir, kind, method, text: new BatchText(`,"dir":${JSON.stringify(dir)},"kind":${JSON.stringify(kind)},"method":${JSON.stringify(method)}`) };
      if (methods && methods.size < MAX_METHODS) methods.set(method, shape);
    }
    return shape;
  }

  /** `{"time":..,"plugin":..` for `now` (formatted once per millisecond). */
  private headAt(now: number): string {
    if (now !== this.headMs) {
      this.headMs = now;
      this.head = `{"time":"${isoAt(now)}","plugin":${this.plugin}`;
    }
    return this.head;
  }

  /** `,"pid":N,"generation":G` (no pid while the process has none, as JSON.stringify leaves out undefined). */
  private process(source: FrameSource): void {
    const pid = source.pid;
    if (source !== this.processOf || pid !== this.processPid) {
      this.processOf = source;
      this.processPid = pid;
      this.processText = `${pid === undefined ? '' : `,"pid":${num(pid)}`},"generation":${num(source.generation)}`;
    }
  }
}

/** A non-negative integer JSON writes as plain digits (and the write thread as String(n)). */
export function isCount(n: unknown): n is number {
  return typeof n === 'number' && n >= 0 && n < 1e15 && Number.isInteger(n);
}

/** A number as JSON writes it (non-finite numbers are null). */
function num(n: number): string {
  return Number.isFinite(n) ? `${n}` : 'null';
}

/** `,"key":value`, or nothing for a value JSON leaves out (undefined, a function). */
function field(key: string, value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? '' : `,"${key}":${json}`;
}
