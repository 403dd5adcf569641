import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ActionProgress } from '../process/protocol-session.js';

type Id = string | number;
type Sink = (progress: ActionProgress) => void;

/**
 * Progress of a request, passed on as the line arrives. The SDK's Client runs a progress
 * handler a microtask after the notification but a result at once, so when the last
 * progress and the result come in one read (a server sends both back to back) it drops
 * that progress. Routed here, before the SDK sees the line, every progress reaches the
 * client that asked for it, in order, before the result.
 */
export class ProgressRoutes {
  private readonly sinks = new Map<Id, Sink>();
  /** The sink for the next request sent (set around the SDK call that sends it). */
  private next: Sink | undefined;

  get size(): number {
    return this.sinks.size;
  }

  /** The next request sent with a progressToken reports to `sink`. */
  expect(sink: Sink): void {
    this.next = sink;
  }

  /** True when the expected request went out (its progress is routed here), false otherwise. */
  settle(): boolean {
    const taken = this.next === undefined;
    this.next = undefined;
    return taken;
  }

  /** A message plugd sends: the expected request, or the cancel that ends one. */
  sent(message: JSONRPCMessage): void {
    const m = message as { id?: Id; method?: string; params?: { _meta?: { progressToken?: Id }; requestId?: Id } };
    if (this.next && m.id !== undefined) {
      const token = m.params?._meta?.progressToken;
      if (token !== undefined) {
        this.sinks.set(token, this.next);
        this.next = undefined;
      }
    } else if (m.method === 'notifications/cancelled' && m.params?.requestId !== undefined) {
      this.sinks.delete(m.params.requestId);
    }
  }

  /** A message from the server: a progress to pass on, or the answer that ends a request. */
  received(message: JSONRPCMessage): void {
    if (this.sinks.size === 0) return;
    const m = message as { id?: Id; method?: string; params?: { progressToken?: Id; progress?: number; total?: number; message?: string } };
    if (m.method === 'notifications/progress' && m.params?.progressToken !== undefined && typeof m.params.progress === 'number') {
      const { progress, total, message: text } = m.params;
      this.sinks.get(m.params.progressToken)?.({ progress, ...(total !== undefined ? { total } : {}), ...(text !== undefined ? { message: text } : {}) });
    } else if (m.id !== undefined && m.method === undefined) {
      // The SDK's progress token is the request id.
      this.sinks.delete(m.id);
    }
  }

  clear(): void {
    this.sinks.clear();
    this.next = undefined;
  }
}
