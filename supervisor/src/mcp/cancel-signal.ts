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
  /** The SDK adds one listener per request: kept in a field, an array only past one. */
  private first: (() => void) | undefined;
  private more: (() => void)[] | undefined;

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  addEventListener(type: string, listener: () => void): void {
    if (type !== 'abort') return;
    if (this.first === undefined) this.first = listener;
    else (this.more ??= []).push(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    if (type !== 'abort') return;
    if (this.first === listener) this.first = this.more?.shift();
    else if (this.more) this.more = this.more.filter((l) => l !== listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const first = this.first;
    const more = this.more ?? [];
    this.first = undefined;
    this.more = undefined;
    first?.();
    for (const listener of more) listener();
  }

  /** Typed as the SDK's option expects; it reads only the members above. */
  asAbortSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}
