/** A JSON-RPC request id as MCP has it. */
export type RequestId = string | number;

/**
 * The tools/call requests in flight on the stateless `/mcp` endpoint, by client and
 * request id. Each POST there has its own MCP server, so the POST that carries a
 * client's `notifications/cancelled` cannot reach the server running the call it names;
 * it finds the call here. Only calls in flight are kept: nothing lingers per client.
 */
export class EndpointCalls {
  private readonly calls = new Map<string, AbortController>();

  get size(): number {
    return this.calls.size;
  }

  /** A call of client `clientId` starts; the returned signal aborts when the client cancels it. `done` forgets it. */
  track(clientId: string, requestId: RequestId): { signal: AbortSignal; done: () => void } {
    const key = keyOf(clientId, requestId);
    const controller = new AbortController();
    this.calls.set(key, controller);
    return {
      signal: controller.signal,
      done: () => {
        if (this.calls.get(key) === controller) this.calls.delete(key);
      },
    };
  }

  /** The client cancelled request `requestId`; false when no such call is in flight (answered already). */
  cancel(clientId: string, requestId: RequestId, reason: string): boolean {
    const controller = this.calls.get(keyOf(clientId, requestId));
    if (!controller) return false;
    controller.abort(reason);
    return true;
  }
}

// JSON keeps the id's type: request 1 and request "1" are different requests.
const keyOf = (clientId: string, requestId: RequestId): string => `${clientId} ${JSON.stringify(requestId)}`;

/** The `notifications/cancelled` messages in a JSON-RPC body (one message or a batch). */
export function cancellationsIn(body: unknown): { requestId: RequestId; reason: string }[] {
  const found: { requestId: RequestId; reason: string }[] = [];
  for (const message of Array.isArray(body) ? body : [body]) {
    const m = message as { method?: unknown; params?: { requestId?: unknown; reason?: unknown } } | null;
    if (m?.method !== 'notifications/cancelled') continue;
    const requestId = m.params?.requestId;
    if (typeof requestId !== 'string' && typeof requestId !== 'number') continue;
    found.push({ requestId, reason: typeof m.params?.reason === 'string' ? m.params.reason : 'cancelled by the client' });
  }
  return found;
}

/** Whether a JSON-RPC body holds an `initialize` request (one message or a batch). */
export function hasInitialize(body: unknown): boolean {
  return (Array.isArray(body) ? body : [body]).some((m) => (m as { method?: unknown } | null)?.method === 'initialize');
}
