import type { TraceLevel } from '@plugd/protocol';
import type { FrameEvent, TraceRecord } from './frame-event.js';
import type { Redactor } from './redact.js';

/** What a record says about the process a frame crossed. */
export interface FrameSource {
  readonly pid: number | undefined;
  readonly generation: number;
}

/**
 * One frame's record, in the trace file's key order (`time` is given: ISO 8601, UTC). At
 * `messages` the message itself is not read at all (its size comes with the frame) unless
 * the frame is an error response or a request naming its caller. TraceLineEncoder writes
 * the same record as a line without building it; a test holds the two to the same bytes.
 */
export function buildRecord(plugin: string, source: FrameSource, level: TraceLevel, event: FrameEvent, redactor: Redactor, time: string): TraceRecord {
  // `bytes` is set after id and durationMs, to keep the key order of the file format.
  const record = {
    time,
    plugin,
    pid: source.pid,
    generation: source.generation,
    dir: event.dir,
    kind: event.kind,
    method: event.method,
  } as Writable<TraceRecord>;
  if (event.id !== undefined) record.id = event.id;
  if (event.durationMs !== undefined) record.durationMs = roundMs(event.durationMs);
  record.bytes = event.bytes;
  const caller = callerOf(event);
  if (caller) record.caller = caller;
  if (level === 'verbose') {
    const message = event.message as { params?: unknown; result?: unknown; error?: unknown };
    if ('params' in message) record.params = redactor.redact(message.params);
    if ('result' in message) record.result = redactor.redact(message.result);
    if (message.error) record.error = redactor.redact(message.error);
  } else if (event.kind === 'error') {
    const error = messagesError(event, redactor);
    if (error) record.error = error;
  }
  return record;
}

/** Microsecond precision is plenty for a frame's round trip. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A run asked for by another plugin (plugd/execute) names its caller at every level: the trace shows the chain. */
export function callerOf(event: FrameEvent): TraceRecord['caller'] | undefined {
  return event.kind === 'request' ? callerOfMessage(event.message) : undefined;
}

/** The caller a request's message names (`params.caller`), if any. */
export function callerOfMessage(message: unknown): TraceRecord['caller'] | undefined {
  return (message as { params?: { caller?: TraceRecord['caller'] } }).params?.caller;
}

/** An error response's `{code, message}` at `messages` (its message scrubbed of secrets). */
export function messagesError(event: FrameEvent, redactor: Redactor): { code: unknown; message: unknown } | undefined {
  const error = (event.message as { error?: { code?: unknown; message?: unknown } }).error;
  if (!error) return undefined;
  return { code: error.code, message: typeof error.message === 'string' ? redactor.scrub(error.message) : error.message };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

let isoMs = Number.NaN;
let isoText = '';
/** `new Date(ms).toISOString()`, formatted at most once per millisecond (many frames share one). */
export function isoAt(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}
