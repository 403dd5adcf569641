/**
 * The part of AbortSignal the MCP SDK's Protocol.request uses for one request
 * (`aborted`, `reason`, `throwIfAborted`, one 'abort' listener), without the cost of an
 * EventTarget per tool call: a Node AbortController and its listener were ~5% of the
 * supervisor's CPU on the call_tool_mcp path. Cancellation is rare; a call is not.
 */
export class CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((this: unknown, event: unknown) => unknown) | null = null;
  private listeners: (() => void)[] | undefined;

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  addEventListener(type: string, listener: () => void): void {
    if (type !== 'abort') return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    if (type !== 'abort' || !this.listeners) return;
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const listener of listeners) listener();
  }

  /** Typed as the SDK's option expects; it reads only the members above. */
  asAbortSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}
