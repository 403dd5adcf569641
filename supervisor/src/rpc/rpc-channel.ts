import { ErrorCodes } from 'vscode-jsonrpc/node';
import type { Message } from 'vscode-jsonrpc/node';
import type { EncodedMessage } from '@plugd/protocol';
import type { FrameListener } from '../trace/frame-event.js';
import { FrameWriter } from './frame-writer.js';
import { RpcResponseError } from './rpc-error.js';
import { StrictMessageReader } from './strict-reader.js';

type Id = number;

interface Pending {
  readonly method: string;
  readonly sentAt: number;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export interface RpcChannelHandlers {
  onNotification(method: string, params: unknown): void;
  /** Any message from the plugin: proof of life for the liveness check. */
  onActivity(): void;
  /** Unrecoverable stream error (bad frame, broken pipe). */
  onBroken(error: Error): void;
  /** A request from the plugin: its answer, or undefined when the method is not served. */
  onRequest?(method: string, params: unknown): Promise<unknown> | undefined;
}

/**
 * The supervisor end of one plugin's stdio: numbered requests with their pending
 * promises, notifications, and a frame listener for tracing (absent when off, so it
 * costs nothing then).
 */
export class RpcChannel {
  private readonly writer: FrameWriter;
  private readonly reader: StrictMessageReader;
  private readonly pending = new Map<Id, Pending>();
  private nextId = 1;
  private closedWith: Error | undefined;
  frameListener: FrameListener | undefined;

  constructor(
    input: NodeJS.ReadableStream,
    output: NodeJS.WritableStream,
    maxFrameBytes: number,
    private readonly handlers: RpcChannelHandlers,
  ) {
    this.writer = new FrameWriter(output, (error) => this.handlers.onBroken(error));
    this.reader = new StrictMessageReader(input, maxFrameBytes);
    this.reader.onError((error) => this.handlers.onBroken(error));
    this.reader.listen((message) => this.onMessage(message));
  }

  /** Sends a request; `id` is known at once (for $/cancelRequest and progress). */
  request<T>(method: string, params: unknown): { id: Id; result: Promise<T> } {
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => {
      if (this.closedWith) {
        reject(this.closedWith);
        return;
      }
      this.pending.set(id, { method, sentAt: performance.now(), resolve: resolve as (r: unknown) => void, reject });
    });
    this.sendTraced('request', method, id, { jsonrpc: '2.0', id, method, params });
    return { id, result };
  }

  /** Resolves once the frame is handed to the pipe (before ending stdin, wait for it). */
  notify(method: string, params: unknown): Promise<void> {
    return new Promise((resolve) => this.sendTraced('notification', method, undefined, { jsonrpc: '2.0', method, params }, resolve));
  }

  /**
   * Newline-delimited JSON was negotiated: the frames written from now on are lines, and
   * the plugin's are read as lines from its first one on (see StrictMessageReader).
   */
  useLines(): void {
    this.writer.framing = 'ndjson';
    this.reader.acceptLines();
  }

  /** Rejects every pending request with `error`; later requests fail at once. */
  close(error: Error): void {
    this.closedWith ??= error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }

  dispose(): void {
    this.reader.dispose();
    this.writer.dispose();
  }

  /** Resolves once the frame is handed to the pipe; a broken pipe is reported once, via onBroken. */
  private send(message: object): Promise<void> {
    if (this.closedWith) return Promise.resolve();
    return this.writer.written(message);
  }

  /** Answers a request from the plugin (only plugd/execute is served; others: say so rather than leave them hanging). */
  private answer(id: Id, method: string, result: Promise<unknown> | undefined): void {
    if (!result) {
      void this.send({ jsonrpc: '2.0', id, error: { code: ErrorCodes.MethodNotFound, message: `plugd does not serve ${method}` } });
      return;
    }
    result.then(
      (value) => {
        if (this.closedWith) return;
        this.sendTraced('response', method, id, { jsonrpc: '2.0', id, result: value });
      },
      (error: unknown) => {
        if (this.closedWith) return;
        void this.send({ jsonrpc: '2.0', id, error: { code: ErrorCodes.InternalError, message: error instanceof Error ? error.message : String(error) } });
      },
    );
  }

  /**
   * Writes an outgoing frame (nothing once closed; `done` as for FrameWriter.send). A tracer
   * hears of it once its size costs nothing to read (WireWriter.send), or at once, measured
   * alone, when it was not written. The size is measured only for a tracer: newline-delimited
   * JSON needs none. A request or notification is told by one function for all (its message
   * names its method and id), so tracing makes no closure per frame; a response to the
   * plugin (rare) gets its own, as its message does not name the method.
   */
  private sendTraced(kind: 'request' | 'notification' | 'response', method: string, id: Id | undefined, message: object, done?: () => void): void {
    const sized =
      this.frameListener === undefined
        ? undefined
        : kind === 'response'
          ? (frame: EncodedMessage) => this.frameListener?.('out', kind, method, id, undefined, frame.bytes, message)
          : this.sentSized;
    let frame: EncodedMessage | undefined;
    if (this.closedWith) done?.();
    else frame = this.writer.send(message, done, sized);
    if (!frame) this.frameListener?.('out', kind, method, id, undefined, jsonBytes(message), message);
  }

  /** A written request or notification, told once its size is known (maybe after the listener was removed). */
  private readonly sentSized = (frame: EncodedMessage): void => {
    const m = frame.message as { id?: Id; method: string };
    this.frameListener?.('out', m.id === undefined ? 'notification' : 'request', m.method, m.id, undefined, frame.bytes, m);
  };

  private onMessage(message: Message): void {
    this.handlers.onActivity();
    // The frame's Content-Length, read before anything else can deliver another frame.
    const bytes = this.reader.frameBytes;
    const m = message as { id?: Id | null; method?: unknown; params?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };
    if (typeof m.method === 'string') {
      if (m.id === undefined || m.id === null) {
        this.frameListener?.('in', 'notification', m.method, undefined, undefined, bytes, message);
        this.handlers.onNotification(m.method, m.params);
      } else {
        this.frameListener?.('in', 'request', m.method, m.id, undefined, bytes, message);
        this.answer(m.id, m.method, this.handlers.onRequest?.(m.method, m.params));
      }
      return;
    }
    if (m.id === undefined || m.id === null) return;
    const pending = this.pending.get(m.id);
    if (!pending) return; // late reply to a forgotten request
    this.pending.delete(m.id);
    const durationMs = performance.now() - pending.sentAt;
    if (m.error) {
      this.frameListener?.('in', 'error', pending.method, m.id, durationMs, bytes, message);
      pending.reject(new RpcResponseError(pending.method, m.error.code, m.error.message, m.error.data));
    } else {
      this.frameListener?.('in', 'response', pending.method, m.id, durationMs, bytes, message);
      pending.resolve(m.result);
    }
  }
}

/** Size of a frame that was never written (the channel is closed): the rare path only. */
function jsonBytes(message: object): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}
