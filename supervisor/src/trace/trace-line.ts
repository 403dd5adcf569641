import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent } from './frame-event.js';
import type { Redactor } from './redact.js';
import { callerOf, isoAt, messagesError, roundMs } from './trace-record.js';
import type { FrameSource } from './trace-record.js';

/** Distinct method names whose quoted fragments are kept per plugin (a plugin could send endless names). */
const MAX_METHODS = 256;
const DIRS = ['out', 'in'] as const;
const KINDS = ['request', 'response', 'notification', 'error'] as const;

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
  /** Per dir and kind (index: dir * 4 + kind), method -> `,"dir":..,"kind":..,"method":..`. */
  private readonly fragments: Map<string, string>[] = DIRS.flatMap(() => KINDS.map(() => new Map<string, string>()));

  constructor(
    plugin: string,
    private readonly redactor: Redactor,
  ) {
    this.plugin = JSON.stringify(plugin);
  }

  /** The record of `event` as one line (no newline); `now` is its time in ms since the epoch. */
  line(source: FrameSource, level: TraceLevel, event: FrameEvent, now: number): string {
    if (now !== this.headMs) {
      this.headMs = now;
      this.head = `{"time":"${isoAt(now)}","plugin":${this.plugin}`;
    }
    let text = this.head + this.process(source) + this.fragment(event);
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

  /** `,"pid":N,"generation":G` (no pid while the process has none, as JSON.stringify leaves out undefined). */
  private process(source: FrameSource): string {
    const pid = source.pid;
    if (source !== this.processOf || pid !== this.processPid) {
      this.processOf = source;
      this.processPid = pid;
      this.processText = `${pid === undefined ? '' : `,"pid":${num(pid)}`},"generation":${num(source.generation)}`;
    }
    return this.processText;
  }

  private fragment(event: FrameEvent): string {
    const dir = event.dir === 'out' ? 0 : 1;
    const kind = KINDS.indexOf(event.kind);
    const methods = kind < 0 ? undefined : this.fragments[dir * 4 + kind];
    let text = methods?.get(event.method);
    if (text === undefined) {
      text = `,"dir":${JSON.stringify(event.dir)},"kind":${JSON.stringify(event.kind)},"method":${JSON.stringify(event.method)}`;
      if (methods && methods.size < MAX_METHODS) methods.set(event.method, text);
    }
    return text;
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
