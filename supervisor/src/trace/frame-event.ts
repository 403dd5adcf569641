/** One frame crossing a plugin's pipe, as the tracer sees it. */
export interface FrameEvent {
  /** `out` = supervisor -> plugin, `in` = plugin -> supervisor. */
  readonly dir: 'out' | 'in';
  readonly kind: 'request' | 'response' | 'notification' | 'error';
  readonly method: string;
  readonly id?: number | string;
  /** For responses: time since the request was sent. */
  readonly durationMs?: number;
  /** The whole JSON-RPC message; a tracer decides what of it to keep. */
  readonly message: unknown;
}

export type FrameListener = (event: FrameEvent) => void;
