/** One frame crossing a plugin's pipe, as the tracer sees it. */
export interface FrameEvent {
  /** `out` = supervisor -> plugin, `in` = plugin -> supervisor. */
  readonly dir: 'out' | 'in';
  readonly kind: 'request' | 'response' | 'notification' | 'error';
  readonly method: string;
  readonly id?: number | string;
  /** For responses: time since the request was sent. */
  readonly durationMs?: number;
  /**
   * Body size in bytes (UTF-8, without the header): the Content-Length the frame was read
   * with or written with, so no tracer has to serialize the message again to count it.
   */
  readonly bytes: number;
  /** The whole JSON-RPC message; a tracer decides what of it to keep (`messages` reads none of it but errors). */
  readonly message: unknown;
}

/**
 * Told of every frame while tracing is on: a frame read as it is read, a frame sent when
 * its bytes leave (its size is known then at no cost: WireWriter.send). The event is the
 * listener's only during the call: a channel reuses one object for all its frames (no
 * allocation per frame at a high rate), so a listener copies what it keeps.
 */
export type FrameListener = (event: FrameEvent) => void;

/** A FrameEvent whose fields a channel sets anew for each frame it tells of. */
export type ReusedFrameEvent = { -readonly [K in keyof FrameEvent]: FrameEvent[K] };

export function reusedFrameEvent(): ReusedFrameEvent {
  return { dir: 'out', kind: 'request', method: '', id: undefined, durationMs: undefined, bytes: 0, message: undefined };
}

/** One line of a trace file (and the `trace` field of a log entry when no file is set). */
export interface TraceRecord {
  /** ISO 8601, UTC. */
  readonly time: string;
  readonly plugin: string;
  readonly pid: number | undefined;
  readonly generation: number;
  readonly dir: 'out' | 'in';
  readonly kind: FrameEvent['kind'];
  readonly method: string;
  readonly id?: number | string;
  readonly durationMs?: number;
  /** Size of the JSON message in bytes (UTF-8, without the Content-Length header). */
  readonly bytes: number;
  /** `verbose` only; secrets redacted. */
  readonly params?: unknown;
  /** `verbose` only; secrets redacted. */
  readonly result?: unknown;
  /** A `run` another plugin asked for (plugd/execute): who, within which of its requests, how deep. */
  readonly caller?: { readonly plugin: string; readonly requestId: number | string; readonly depth: number };
  /** Error responses, at every level: `{code, message}` (`data` too at `verbose`). */
  readonly error?: unknown;
}
