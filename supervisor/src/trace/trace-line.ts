import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent } from './frame-event.js';
import type { Redactor } from './redact.js';
import type { RotatingFile } from './rotating-file.js';
import { callerOf, isoAt, messagesError, roundMs } from './trace-record.js';
import type { FrameSource } from './trace-record.js';
import { BatchText } from './batch-records.js';

/** Distinct method names whose quoted fragments are kept per plugin (a plugin could send endless names). */
const MAX_METHODS = 256;
const DIRS = ['out', 'in'] as const;
const KINDS = ['request', 'response', 'notification', 'error'] as const;

/** The index of a frame's kind in KINDS (-1 for none): a switch, as a keyed lookup by a varying string is a megamorphic load per frame. */
function kindIndex(kind: string): number {
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

/**
 * Writes one plugin's trace records as JSON lines, byte for byte what
 * `JSON.stringify(buildRecord(...))` gives, without building the record or stringifying
 * it: the line is joined from pre-quoted fragments (the time once per millisecond,
 * plugin, pid and generation once per process, dir/kind/method once per method), and
 * JSON.stringify runs only on values not known in advance (string ids, callers, errors,
 * verbose payloads). The usual frame is not even joined here: it goes to the trace file
 * as numbers and the write thread makes the same line (batch-records.ts).
 */
export class TraceLineEncoder {
  private readonly plugin: string;
  private headMs = Number.NaN;
  private head = '';
  private processOf: FrameSource | undefined;
  private processPid: number | undefined;
  private processText = '';
  /** `,"plugin":..` and processText, for the write thread. */
  private sourceText = new BatchText('');
  /** Per dir and kind (index: dir * 4 + kind), method -> its `,"dir":..,"kind":..,"method":..`. */
  private readonly fragments: Map<string, BatchText>[] = DIRS.flatMap(() => KINDS.map(() => new Map<string, BatchText>()));
  /** Per dir and kind, the method seen last and its fragment: a plugin's frames mostly repeat one method. */
  private readonly lastMethod: (string | undefined)[] = DIRS.flatMap(() => KINDS.map(() => undefined));
  private readonly lastFragment: (BatchText | undefined)[] = DIRS.flatMap(() => KINDS.map(() => undefined));

  constructor(
    plugin: string,
    private readonly redactor: Redactor,
  ) {
    this.plugin = JSON.stringify(plugin);
  }

  /** The record of `event` as one line (no newline); `now` is its time in ms since the epoch. */
  line(source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): string {
    this.process(source);
    let text = this.headAt(now) + this.processText + this.fragment(event).text;
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

  /**
   * Appends the record of `event` to `file`, the same line as line() gives. The usual
   * frame (`messages`, no error, no caller, integer id and size) goes as numbers, formatted
   * by the write thread: no string is built here, nothing is stringified.
   */
  writeTo(file: RotatingFile, source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): void {
    const id = event.id;
    const durationMs = event.durationMs;
    const micros = durationMs === undefined ? Number.NaN : Math.round(durationMs * 1000);
    const plain =
      level === 'messages' &&
      event.kind !== 'error' &&
      (id === undefined || isCount(id)) &&
      isCount(event.bytes) &&
      (durationMs === undefined || (micros >= 0 && micros < 1e15)) &&
      !callerOf(event);
    if (!plain) {
      file.write(this.line(source, level, event, now));
      return;
    }
    this.process(source);
    file.frame(this.sourceText, this.fragment(event), now, id === undefined ? Number.NaN : (id as number), micros, event.bytes);
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
      this.sourceText = new BatchText(`,"plugin":${this.plugin}${this.processText}`);
    }
  }

  private fragment(event: FrameEvent): BatchText {
    const kind = kindIndex(event.kind);
    const slot = (event.dir === 'out' ? 0 : 4) + kind;
    if (kind >= 0 && this.lastMethod[slot] === event.method) return this.lastFragment[slot]!;
    const methods = kind < 0 ? undefined : this.fragments[slot];
    let fragment = methods?.get(event.method);
    if (fragment === undefined) {
      fragment = new BatchText(`,"dir":${JSON.stringify(event.dir)},"kind":${JSON.stringify(event.kind)},"method":${JSON.stringify(event.method)}`);
      if (methods && methods.size < MAX_METHODS) methods.set(event.method, fragment);
      else return fragment;
    }
    this.lastMethod[slot] = event.method;
    this.lastFragment[slot] = fragment;
    return fragment;
  }
}

/** A non-negative integer JSON writes as plain digits (and the write thread as String(n)). */
function isCount(n: unknown): n is number {
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
