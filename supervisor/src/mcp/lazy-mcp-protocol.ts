import type { Action, InitializeResult } from '@plugd/protocol';
import type { LaunchedProcess } from '../process/launcher.js';
import type { PluginProtocol, ProtocolSession, RunContext, SessionContext, SessionHandlers, ToolInfo } from '../process/protocol-session.js';
import type { FrameListener } from '../trace/frame-event.js';

type McpModule = typeof import('./mcp-protocol.js');
let loading: Promise<McpModule> | undefined;

/** The MCP SDK (~20 MiB and ~0.4 s of module loading) is loaded by the first MCP plugin, not by every plugd. */
export function loadMcpProtocol(): Promise<McpModule> {
  loading ??= import('./mcp-protocol.js');
  return loading;
}

/**
 * An MCP session whose implementation is loaded on first use: the handshake waits for
 * the module (within the init timeout); everything after it is the real session's.
 * Nothing reads the child's stdout before that (the transport starts in the handshake).
 */
class LazyMcpSession implements ProtocolSession {
  private real: ProtocolSession | undefined;
  private listener: FrameListener | undefined;
  private closedWith: Error | undefined;
  private disposed = false;
  private readonly ready: Promise<ProtocolSession>;

  constructor(child: LaunchedProcess, context: SessionContext, handlers: SessionHandlers) {
    this.ready = loadMcpProtocol().then((m) => {
      const real = m.mcpProtocol.open(child, context, handlers);
      real.frameListener = this.listener;
      if (this.closedWith) real.close(this.closedWith);
      if (this.disposed) real.dispose();
      this.real = real;
      return real;
    });
  }

  get frameListener(): FrameListener | undefined {
    return this.listener;
  }

  set frameListener(listener: FrameListener | undefined) {
    this.listener = listener;
    if (this.real) this.real.frameListener = listener;
  }

  get tools(): readonly ToolInfo[] | undefined {
    return this.real?.tools;
  }

  async handshake(): Promise<InitializeResult> {
    return (await this.ready).handshake();
  }

  async ping(): Promise<unknown> {
    return (this.real ?? (await this.ready)).ping();
  }

  run(action: Action, timeoutMs: number, context?: RunContext): { id: number; result: Promise<unknown> } {
    // Actions come only after the handshake, so the session is there.
    if (!this.real) return { id: 0, result: Promise.reject(this.closedWith ?? new Error('the MCP session has not started')) };
    return this.real.run(action, timeoutMs, context);
  }

  cancel(id: number, reason?: string): void {
    this.real?.cancel(id, reason);
  }

  async shutdown(timeoutMs: number): Promise<boolean> {
    return this.real ? this.real.shutdown(timeoutMs) : false;
  }

  close(error: Error): void {
    this.closedWith ??= error;
    this.real?.close(error);
  }

  dispose(): void {
    this.disposed = true;
    this.real?.dispose();
  }
}

export const lazyMcpProtocol: PluginProtocol = {
  name: 'mcp',
  open: (child, context, handlers) => new LazyMcpSession(child, context, handlers),
};
