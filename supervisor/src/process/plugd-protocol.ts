import { InitializeResultSchema, Methods, PROTOCOL_VERSION, formatZodIssues } from '@plugd/protocol';
import type { Action, InitializeResult } from '@plugd/protocol';
import { PlugdError } from '../errors.js';
import { RpcChannel } from '../rpc/rpc-channel.js';
import type { FrameListener } from '../trace/frame-event.js';
import type { LaunchedProcess } from './launcher.js';
import type { PluginProtocol, ProtocolSession, RunContext, SessionContext, SessionHandlers } from './protocol-session.js';
import { withTimeout } from './with-timeout.js';

/**
 * plugd's own protocol: initialize/run/$/cancelRequest/shutdown, in Content-Length frames
 * until the handshake and in newline-delimited JSON after it when the plugin offers it.
 */
class PlugdSession implements ProtocolSession {
  private readonly channel: RpcChannel;

  constructor(child: LaunchedProcess, private readonly context: SessionContext, handlers: SessionHandlers) {
    this.channel = new RpcChannel(child.stdout, child.stdin, context.options.maxFrameBytes, handlers);
  }

  get frameListener(): FrameListener | undefined {
    return this.channel.frameListener;
  }

  set frameListener(listener: FrameListener | undefined) {
    this.channel.frameListener = listener;
  }

  async handshake(): Promise<InitializeResult> {
    const { options, username, trace } = this.context;
    const raw = await this.channel.request<unknown>(Methods.initialize.method, {
      protocolVersion: PROTOCOL_VERSION,
      name: options.name,
      username,
      config: options.config,
      trace,
      maxFrameBytes: options.maxFrameBytes,
    }).result;
    const parsed = InitializeResultSchema.safeParse(raw);
    if (!parsed.success) throw new PlugdError('PROTOCOL_VIOLATION', `answered initialize with an invalid result: ${formatZodIssues(parsed.error)}`);
    if (options.framing !== 'content-length' && parsed.data.framing?.includes('ndjson')) {
      // Written in Content-Length (queued first); every frame after it is a line.
      void this.channel.notify(Methods.initialized.method, { framing: 'ndjson' });
      this.channel.useLines();
    } else void this.channel.notify(Methods.initialized.method, {});
    return parsed.data;
  }

  ping(): Promise<unknown> {
    return this.channel.request(Methods.ping.method, {}).result;
  }

  run(action: Action, timeoutMs: number, context?: RunContext): { id: number; result: Promise<unknown> } {
    const { session, caller } = context ?? {};
    return this.channel.request<unknown>(Methods.run.method, { action, timeoutMs: Math.max(0, Math.round(timeoutMs)), ...(session ? { session } : {}), ...(caller ? { caller } : {}) });
  }

  cancel(id: number): void {
    void this.channel.notify(Methods.cancelRequest.method, { id });
  }

  async shutdown(timeoutMs: number): Promise<boolean> {
    const answered = await withTimeout(this.channel.request(Methods.shutdown.method, {}).result.then(() => true), timeoutMs, () => false).catch(() => false);
    // The writer is asynchronous: ending stdin before `exit` is written would make it a
    // write-after-end, i.e. a broken pipe, and skip the SIGTERM step.
    await withTimeout(this.channel.notify(Methods.exit.method, {}), timeoutMs, () => undefined).catch(() => undefined);
    return answered;
  }

  close(error: Error): void {
    this.channel.close(error);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export const plugdProtocol: PluginProtocol = {
  name: 'plugd',
  open: (child, context, handlers) => new PlugdSession(child, context, handlers),
};
