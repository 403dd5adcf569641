import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent } from './frame-event.js';
import type { Redactor } from './redact.js';
import type { RotatingFile } from './rotating-file.js';
import { callerOf, isoAt, messagesError, roundMs } from './trace-record.js';
import type { FrameSource } from './trace-record.js';
import { copy, isCount, writeCount, writeMillis } from './json-digits.js';

/** Distinct method names whose quoted fragments are kept per plugin (a plugin could send endless names). */
const MAX_METHODS = 256;
const DIRS = ['out', 'in'] as const;
const KINDS = ['request', 'response', 'notification', 'error'] as const;
const EMPTY = Buffer.alloc(0);
const ID = Buffer.from(',"id":');
const DURATION = Buffer.from(',"durationMs":');
const BYTES = Buffer.from(',"bytes":');
const CLOSE = 125; // }
/** Room for the numbers of a line written in place: id, durationMs and bytes (at most 16 digits each, and a dot). */
const NUMBERS_ROOM = ID.length + DURATION.length + BYTES.length + 3 * 17 + 1;

/** A method's `,"dir":..,"kind":..,"method":..`, as text; and the line up to it, as UTF-8, while time and process stay. */
interface Fragment {
  readonly text: string;
  /** `{"time":..,"plugin":..,"pid":..,"generation":..,"dir":..,"kind":..,"method":..` for `prefixMs` and `prefixProcess`. */
  prefix: Buffer;
  prefixMs: number;
  prefixProcess: string;
}

/**
 * Writes one plugin's trace records as JSON lines, byte for byte what
 * `JSON.stringify(buildRecord(...))` gives, without building the record or stringifying
 * it: the line is joined from pre-quoted fragments (the time and plugin once per
 * millisecond, pid and generation once per process, dir/kind/method once per method),
 * and JSON.stringify runs only on values not known in advance (string ids, callers,
 * errors, verbose payloads). At a high frame rate this was most of the tracer's cost.
 */
export class TraceLineEncoder {
  private readonly plugin: string;
  private headMs = Number.NaN;
  private head = '';
  private processOf: FrameSource | undefined;
  private processPid: number | undefined;
  private processText = '';
  /** Per dir and kind (index: dir * 4 + kind), method -> its fragment. */
  private readonly fragments: Map<string, Fragment>[] = DIRS.flatMap(() => KINDS.map(() => new Map<string, Fragment>()));

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
   * frame (`messages`, no error, no caller, integer id and size) is encoded straight
   * into the file's buffer: no string is built, nothing is stringified.
   */
  writeTo(file: RotatingFile, source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): void {
    const id = event.id;
    const durationMs = event.durationMs;
    const micros = durationMs === undefined ? 0 : Math.round(durationMs * 1000);
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
    const fragment = this.fragment(event);
    if (fragment.prefixMs !== now || fragment.prefixProcess !== this.processText) {
      fragment.prefix = Buffer.from(this.headAt(now) + this.processText + fragment.text);
      fragment.prefixMs = now;
      fragment.prefixProcess = this.processText;
    }
    const prefix = fragment.prefix;
    const buffer = file.reserve(prefix.length + NUMBERS_ROOM);
    if (!buffer) return;
    let at = copy(prefix, buffer, file.tail);
    if (id !== undefined) at = writeCount(id as number, buffer, copy(ID, buffer, at));
    if (durationMs !== undefined) at = writeMillis(micros, buffer, copy(DURATION, buffer, at));
    at = writeCount(event.bytes, buffer, copy(BYTES, buffer, at));
    buffer[at++] = CLOSE;
    file.commit(at);
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

  private fragment(event: FrameEvent): Fragment {
    const dir = event.dir === 'out' ? 0 : 1;
    const kind = KINDS.indexOf(event.kind);
    const methods = kind < 0 ? undefined : this.fragments[dir * 4 + kind];
    let fragment = methods?.get(event.method);
    if (fragment === undefined) {
      const text = `,"dir":${JSON.stringify(event.dir)},"kind":${JSON.stringify(event.kind)},"method":${JSON.stringify(event.method)}`;
      fragment = { text, prefix: EMPTY, prefixMs: Number.NaN, prefixProcess: '' };
      if (methods && methods.size < MAX_METHODS) methods.set(event.method, fragment);
    }
    return fragment;
  }
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
