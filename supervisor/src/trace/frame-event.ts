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
 * its bytes leave (its size is known then at no cost: WireWriter.send). The frame comes
 * as its fields (FrameEvent's, in its order), not as an object: at a high frame rate an
 * object per frame, or one reused object whose fields are set anew for each, cost the
 * supervisor measurably more (docs/performance.md). `frameEvent` makes the object for a
 * listener that wants one.
 */
export type FrameListener = (
  dir: FrameEvent['dir'],
  kind: FrameEvent['kind'],
  method: string,
  id: number | string | undefined,
  durationMs: number | undefined,
  bytes: number,
  message: unknown,
) => void;

/** A frame's fields as one FrameEvent (what a listener told of the fields may keep). */
export function frameEvent(dir: FrameEvent['dir'], kind: FrameEvent['kind'], method: string, id: number | string | undefined, durationMs: number | undefined, bytes: number, message: unknown): FrameEvent {
  return { dir, kind, method, id, durationMs, bytes, message };
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
