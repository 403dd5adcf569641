import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Action, InitializeResult } from '@plugd/protocol';
import { RpcResponseError } from '../rpc/rpc-error.js';
import type { LaunchedProcess } from '../process/launcher.js';
import type { PluginProtocol, ProtocolSession, RunContext, SessionContext, SessionHandlers, ToolInfo } from '../process/protocol-session.js';
import type { FrameListener } from '../trace/frame-event.js';
import { CancelSignal } from './cancel-signal.js';
import { mcpObservation } from './mcp-observation.js';
import { PipeTransport } from './pipe-transport.js';

/** MCP servers answer requests concurrently; the queue keeps at most this many in flight. */
const MCP_CONCURRENCY = 64;
/** The SDK's own per-request timer is a backstop only: plugd's action deadline governs. */
const SDK_TIMEOUT_SLACK_MS = 60_000;
const ignoreProgress = (): void => undefined;

/**
 * A stdio MCP server as a plugin generation: the MCP SDK's Client over plugd's pipes.
 * Handshake = initialize / notifications/initialized, then tools/list (so a new
 * generation's tools are known before it serves); liveness = MCP `ping`; an action =
 * `tools/call`; cancel = notifications/cancelled (the SDK sends it on abort).
 */
class McpSession implements ProtocolSession {
  private readonly transport: PipeTransport;
  private readonly client: Client;
  private readonly running = new Map<number, CancelSignal>();
  private nextId = 1;
  private closedWith: Error | undefined;
  tools: readonly ToolInfo[] = [];
  /** `<server>_`: OpenHands' prefix of this server's tools. */
  private readonly prefix: string;

  constructor(child: LaunchedProcess, private readonly context: SessionContext, private readonly handlers: SessionHandlers) {
    this.prefix = `${context.options.name}_`;
    this.transport = new PipeTransport(child.stdout, child.stdin, context.options.maxFrameBytes, handlers);
    this.client = new Client({ name: 'plugd', version: '0.1.0' }, { capabilities: {} });
    this.client.onerror = () => undefined; // stream errors reach onBroken via the transport
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      await this.refreshTools().catch(() => undefined);
      this.handlers.onNotification('notifications/tools/list_changed', {});
    });
  }

  get frameListener(): FrameListener | undefined {
    return this.transport.frameListener;
  }

  set frameListener(listener: FrameListener | undefined) {
    this.transport.frameListener = listener;
  }

  async handshake(): Promise<InitializeResult> {
    const timeout = this.context.options.timeouts.initMs + SDK_TIMEOUT_SLACK_MS;
    await this.client.connect(this.transport, { timeout });
    if (this.client.getServerCapabilities()?.tools) await this.refreshTools();
    const info = this.client.getServerVersion();
    return {
      name: info?.name ?? this.context.options.name,
      version: info?.version ?? '',
      protocolVersion: 1,
      // call_tool_mcp is routed by tool name across MCP servers (mcp-router.ts), not claimed.
      actions: [],
      capabilities: { concurrency: MCP_CONCURRENCY, progress: true },
    };
  }

  ping(): Promise<unknown> {
    return this.client.ping({ timeout: this.context.options.timeouts.pingIntervalMs * (this.context.options.timeouts.pingMisses + 1) });
  }

  run(action: Action, timeoutMs: number, context?: RunContext): { id: number; result: Promise<unknown> } {
    const id = this.nextId++;
    const args = action.args as { name?: unknown; arguments?: unknown };
    const called = typeof args.name === 'string' ? args.name : '';
    const toolArgs = (args.arguments && typeof args.arguments === 'object' ? args.arguments : {}) as Record<string, unknown>;
    if (this.closedWith) return { id, result: Promise.reject(this.closedWith) };
    const tool = this.bareName(called);
    const abort = new CancelSignal();
    this.running.set(id, abort);
    const onProgress = context?.onProgress;
    let routed = false;
    // The transport passes this request's progress on (see ProgressRoutes); the SDK's own
    // handler does only if the request did not go out at once.
    if (onProgress) this.transport.progress.expect(onProgress);
    const result = this.client
      .callTool({ name: tool, arguments: toolArgs }, undefined, {
        signal: abort.asAbortSignal(),
        // Whole seconds: requests share one timer list (one per distinct duration in Node).
        timeout: Math.ceil(Math.max(1, timeoutMs) / 1000) * 1000 + SDK_TIMEOUT_SLACK_MS,
        resetTimeoutOnProgress: true,
        // Asking for progress makes the server send it: proof of life while a tool works.
        onprogress: onProgress ? (progress) => routed || onProgress(progress) : ignoreProgress,
      })
      .then(
        (r) => {
          this.running.delete(id);
          return mcpObservation(called, toolArgs, r);
        },
        (error: unknown) => {
          this.running.delete(id);
          // The server's own JSON-RPC error (unknown tool, bad arguments) is PLUGIN_ERROR, not a crash.
          if (!this.closedWith && error instanceof McpError) throw new RpcResponseError('tools/call', error.code, error.message, error.data);
          throw this.closedWith ?? error;
        },
      );
    if (onProgress) routed = this.transport.progress.settle();
    return { id, result };
  }

  /** The SDK sends notifications/cancelled with `reason` and stops waiting for the answer. */
  cancel(id: number, reason = 'cancelled by plugd'): void {
    this.running.get(id)?.abort(reason);
  }

  /** MCP has no goodbye on stdio: closing stdin is it (the stop ladder does that next). */
  async shutdown(): Promise<boolean> {
    return false;
  }

  close(error: Error): void {
    this.closedWith ??= error;
    for (const abort of this.running.values()) abort.abort(error);
    this.running.clear();
  }

  dispose(): void {
    void this.transport.close().catch(() => undefined);
  }

  /** `<server>_<tool>` (OpenHands' name with several servers) or the bare tool name. */
  private bareName(name: string): string {
    const prefix = this.prefix;
    if (name.startsWith(prefix) && !this.tools.some((t) => t.name === name)) return name.slice(prefix.length);
    return name;
  }

  private async refreshTools(): Promise<void> {
    const tools: ToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : undefined);
      tools.push(...(page.tools as ToolInfo[]));
      cursor = page.nextCursor;
    } while (cursor);
    this.tools = tools;
  }
}

export const mcpProtocol: PluginProtocol = {
  name: 'mcp',
  open: (child: LaunchedProcess, context: SessionContext, handlers: SessionHandlers) => new McpSession(child, context, handlers),
};

