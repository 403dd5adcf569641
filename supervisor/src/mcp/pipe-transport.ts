import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { encodeMessage, LineDecoder, WireWriter } from '@plugd/protocol';
import { ProtocolViolation } from '../rpc/protocol-violation.js';
import { ProgressRoutes } from './progress-routes.js';
import type { FrameListener } from '../trace/frame-event.js';

export interface PipeTransportHandlers {
  onActivity(): void;
  onBroken(error: Error): void;
}

type Id = string | number;

const MCP_HINT = 'MCP stdio framing is one JSON-RPC message per line';

/**
 * The MCP SDK's Transport over a plugin generation's managed pipes (newline-delimited
 * JSON), so the SDK's Client speaks MCP while plugd keeps the process: its stdio, its
 * strict framing limits, and a frame listener for traces like any plugin's.
 */
export class PipeTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  frameListener: FrameListener | undefined;
  /** Progress passed on to whoever asked, as the lines arrive. */
  readonly progress = new ProgressRoutes();

  private readonly decoder: LineDecoder;
  private readonly writer: WireWriter;
  /** Requests sent, by id: the method, and the time sent when a tracer listened then. */
  private readonly sent = new Map<Id, string | { method: string; at: number }>();
  private readonly received = new Map<Id, string>();
  private closed = false;
  private failed = false;
  private readonly onData = (chunk: Buffer): void => this.decoder.push(chunk);

  constructor(
    private readonly input: NodeJS.ReadableStream,
    output: NodeJS.WritableStream,
    maxFrameBytes: number,
    private readonly handlers: PipeTransportHandlers,
  ) {
    this.decoder = new LineDecoder(maxFrameBytes, { message: (message, bytes) => this.receive(message, bytes), violation: (problem, seen) => this.fail(new ProtocolViolation(problem, seen)) }, { hint: MCP_HINT });
    this.writer = new WireWriter(output, (error) => this.fail(error), 'ndjson');
    // Stays attached: an EPIPE on a dead pipe must never be an uncaught error.
    output.on('error', (error: Error) => this.fail(error));
  }

  /** Requests in flight each way, by id (for the tracer; tests check nothing stays). */
  get pendingIds(): number {
    return this.sent.size + this.received.size + this.progress.size;
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.failed) return Promise.reject(new Error('the MCP server pipe is closed'));
    const encoded = encodeMessage(message);
    // The size is for the tracer only: not measured when nobody listens.
    this.tap('out', message, this.frameListener ? encoded.bytes : 0);
    this.progress.sent(message);
    // Resolves once handed to the pipe; a failed write is reported once, through fail().
    return new Promise((resolve) => this.writer.send(encoded, resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.progress.clear();
    this.input.off('data', this.onData);
    this.onclose?.();
  }

  private receive(raw: unknown, bytes: number): void {
    if (this.closed) return;
    this.handlers.onActivity();
    let message = plainResultResponse(raw);
    if (!message) {
      const parsed = JSONRPCMessageSchema.safeParse(raw);
      if (!parsed.success) {
        this.fail(new ProtocolViolation('a line that is not a JSON-RPC 2.0 message', Buffer.from(JSON.stringify(raw))));
        return;
      }
      message = parsed.data;
    }
    this.tap('in', message, bytes);
    this.progress.received(message);
    this.onmessage?.(message);
  }

  private fail(error: Error): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.handlers.onBroken(error);
  }

  /** Describes the frame for the tracer (only when one listens: it costs nothing otherwise). */
  private tap(dir: 'in' | 'out', message: JSONRPCMessage, bytes: number): void {
    const listener = this.frameListener;
    const m = message as { id?: Id; method?: string; error?: unknown };
    // Request ids are tracked even with tracing off, to name responses when it is turned on.
    if (typeof m.method === 'string') {
      if (m.id !== undefined) {
        // The time is taken only while a tracer listens (a duration is reported to it alone).
        if (dir === 'out') this.sent.set(m.id, listener ? { method: m.method, at: performance.now() } : m.method);
        else this.received.set(m.id, m.method);
      } else if (m.method === 'notifications/cancelled') {
        // No answer comes to a cancelled request (MCP): its entry would stay forever.
        const requestId = (message as { params?: { requestId?: Id } }).params?.requestId;
        if (requestId !== undefined) (dir === 'out' ? this.sent : this.received).delete(requestId);
      }
      listener?.(dir, m.id === undefined ? 'notification' : 'request', m.method, m.id, undefined, bytes, message);
      return;
    }
    if (m.id === undefined) return;
    const kind = m.error ? 'error' : 'response';
    if (dir === 'in') {
      const request = this.sent.get(m.id);
      this.sent.delete(m.id);
      if (!listener) return;
      if (typeof request === 'object') listener(dir, kind, request.method, m.id, performance.now() - request.at, bytes, message);
      else listener(dir, kind, request ?? '?', m.id, undefined, bytes, message);
    } else {
      const method = this.received.get(m.id);
      this.received.delete(m.id);
      listener?.(dir, kind, method ?? '?', m.id, undefined, bytes, message);
    }
  }
}

/**
 * The hot path's message, a result response `{jsonrpc, id, result}` with no `_meta`,
 * checked by hand; anything else (or anything unusual) goes through the SDK's schema.
 * It accepts only what JSONRPCMessageSchema accepts, so the outcome is the same; the
 * SDK's Client validates the result itself (CallToolResultSchema) as before.
 */
function plainResultResponse(raw: unknown): JSONRPCMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  let keys = 0;
  for (const key in m) {
    if (key !== 'jsonrpc' && key !== 'id' && key !== 'result') return undefined;
    keys += 1;
  }
  if (keys !== 3 || m['jsonrpc'] !== '2.0') return undefined;
  const id = m['id'];
  if (typeof id !== 'string' && !Number.isSafeInteger(id)) return undefined;
  const result = m['result'];
  if (typeof result !== 'object' || result === null || Array.isArray(result) || (result as { _meta?: unknown })._meta !== undefined) return undefined;
  return raw as JSONRPCMessage;
}
