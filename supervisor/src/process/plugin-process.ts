import { InitializeResultSchema, LogParamsSchema, Methods, PROTOCOL_VERSION, formatZodIssues } from '@plugd/protocol';
import type { Action, Caller, InitializeResult, LogParams, TraceLevel } from '@plugd/protocol';
import type { PluginOptions } from '../config/types.js';
import { PlugdError, errorMessage } from '../errors.js';
import { RpcChannel } from '../rpc/rpc-channel.js';
import { ProtocolViolation } from '../rpc/protocol-violation.js';
import { RpcResponseError } from '../rpc/rpc-error.js';
import type { FrameListener } from '../trace/frame-event.js';
import { describeExit } from './exit-info.js';
import type { ExitInfo, ExitReason } from './exit-info.js';
import { execaLauncher } from './execa-launcher.js';
import type { LaunchedProcess, ProcessLauncher } from './launcher.js';
import { pluginEnv } from './plugin-env.js';
import { StderrTail } from './stderr-tail.js';
import { withTimeout } from './with-timeout.js';
import { Liveness } from './liveness.js';

export type ProcessState = 'idle' | 'starting' | 'ready' | 'stopping' | 'exited';

export interface PluginProcessHooks {
  /** The child exists (its pid is known, unless it could not be run at all). */
  onSpawn?(proc: PluginProcess): void;
  onStderr(line: string, proc: PluginProcess): void;
  onLog(params: LogParams, proc: PluginProcess): void;
  onExit(exit: ExitInfo, proc: PluginProcess): void;
  /** A request from the plugin (plugd/execute); without a handler it is answered MethodNotFound. */
  onRequest?(method: string, params: unknown, proc: PluginProcess): Promise<unknown> | undefined;
}

export interface InitOptions {
  readonly username: string;
  readonly trace: TraceLevel;
  /** How the process is run; real processes (execa) unless a test injects a fake. */
  readonly launcher?: ProcessLauncher;
}

const STDERR_TAIL_LINES = 50;
/** After exit, how long to wait for the pipes to drain the last stderr lines. */
const DRAIN_AFTER_EXIT_MS = 500;

/** A plugin process ended; carries how, for the actions that were in flight. */
export class PluginExitedError extends PlugdError {
  constructor(readonly exit: ExitInfo) {
    super('PLUGIN_EXITED', `plugin process ${exit.pid ?? '?'} ${exit.reason === 'stopped' ? 'was stopped' : describeExit(exit)}`);
  }
}

/**
 * One generation of one plugin: a child process and its state machine
 * idle -> starting -> ready -> stopping -> exited. Start and stop never overlap:
 * stop() during start kills the start. Named timeouts come from `options.timeouts`.
 */
export class PluginProcess {
  state: ProcessState = 'idle';
  pid: number | undefined;
  initResult: InitializeResult | undefined;
  startedAt = 0;
  readyAt = 0;
  readonly exited: Promise<ExitInfo>;
  lastExit: ExitInfo | undefined;

  private child: LaunchedProcess | undefined;
  private channel: RpcChannel | undefined;
  private endReason: { reason: ExitReason; expected: boolean; detail?: string } | undefined;
  private resolveExited!: (exit: ExitInfo) => void;
  private readonly stderr: StderrTail;
  private liveness: Liveness | undefined;
  private stopping: Promise<ExitInfo> | undefined;
  /** The stream broke (bad frame, broken pipe): nothing more is sent; the exit follows. */
  private broken = false;
  private frameListener: FrameListener | undefined;

  constructor(
    readonly options: PluginOptions,
    readonly generation: number,
    private readonly init: InitOptions,
    private readonly hooks: PluginProcessHooks,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.stderr = new StderrTail(STDERR_TAIL_LINES, (line) => this.hooks.onStderr(line, this));
  }

  get name(): string {
    return this.options.name;
  }

  /** Ready and its stdio intact: new actions may be sent. */
  get serving(): boolean {
    return this.state === 'ready' && !this.broken;
  }

  get concurrency(): number {
    return this.initResult?.capabilities?.concurrency ?? 1;
  }

  stderrTail(count?: number): string[] {
    return this.stderr.tail(count);
  }

  /** Tracing on (a listener) or off (undefined); takes effect on the next frame. */
  setFrameListener(listener: FrameListener | undefined): void {
    this.frameListener = listener;
    if (this.channel) this.channel.frameListener = listener;
  }

  /** Spawns and completes the initialize handshake within `timeouts.initMs`. */
  async start(): Promise<InitializeResult> {
    if (this.state !== 'idle') throw new Error(`start() called in state ${this.state}`);
    this.state = 'starting';
    try {
      this.spawn();
    } catch (error) {
      // Could not be run at all (no such program): no process, no exit to wait for.
      const message = errorMessage(error);
      this.endReason = { reason: 'start-failed', expected: false, detail: message };
      this.state = 'exited';
      this.lastExit = { ...this.syntheticExit(), reason: 'start-failed', detail: message };
      this.resolveExited(this.lastExit);
      this.hooks.onExit(this.lastExit, this);
      throw new PlugdError('PLUGIN_START_FAILED', message, { cause: error });
    }
    this.hooks.onSpawn?.(this);
    const channel = this.channel!;
    const { initMs } = this.options.timeouts;
    try {
      const request = channel.request<unknown>(Methods.initialize.method, {
        protocolVersion: PROTOCOL_VERSION,
        name: this.options.name,
        username: this.init.username,
        config: this.options.config,
        trace: this.init.trace,
      });
      const raw = await withTimeout(request.result, initMs, () => new PlugdError('REQUEST_TIMEOUT', `did not answer initialize within ${initMs} ms (timeouts.initMs)`));
      const parsed = InitializeResultSchema.safeParse(raw);
      if (!parsed.success) throw new PlugdError('PROTOCOL_VIOLATION', `answered initialize with an invalid result: ${formatZodIssues(parsed.error)}`);
      if (this.state !== 'starting') throw new PlugdError('PLUGIN_START_FAILED', 'was stopped while starting');
      this.initResult = parsed.data;
      channel.notify(Methods.initialized.method, {});
      this.state = 'ready';
      this.readyAt = Date.now();
      this.startPings();
      return parsed.data;
    } catch (error) {
      const message = this.startFailureMessage(error);
      this.kill('start-failed', message);
      await this.exited;
      throw new PlugdError('PLUGIN_START_FAILED', message, { cause: error });
    }
  }

  /** Sends one action; rejects with PluginExitedError, ProtocolViolation or RpcResponseError. */
  run(action: Action, timeoutMs: number, caller?: Caller): { id: number; result: Promise<unknown> } {
    if (!this.channel || this.state === 'exited') {
      return { id: -1, result: Promise.reject(new PluginExitedError(this.lastExit ?? this.syntheticExit())) };
    }
    return this.channel.request<unknown>(Methods.run.method, { action, timeoutMs: Math.max(0, Math.round(timeoutMs)), ...(caller ? { caller } : {}) });
  }

  cancel(id: number): void {
    this.channel?.notify(Methods.cancelRequest.method, { id });
  }

  /** SIGKILLs the whole process group now. The first recorded reason wins. */
  kill(reason: ExitReason, detail?: string, expected = false): void {
    this.endReason ??= { reason, expected, ...(detail ? { detail } : {}) };
    if (this.pid !== undefined && this.state !== 'exited') this.child?.signalGroup('SIGKILL');
  }

  /** shutdown -> exit -> stdin closed -> SIGTERM -> SIGKILL, each step after its own timeout. */
  stop(): Promise<ExitInfo> {
    this.stopping ??= this.runStop();
    return this.stopping;
  }

  private async runStop(): Promise<ExitInfo> {
    if (this.state === 'exited' || this.state === 'idle') return this.lastExit ?? this.syntheticExit();
    this.endReason ??= { reason: 'stopped', expected: true };
    if (this.state === 'starting') {
      this.kill('stopped', undefined, true);
      return this.exited;
    }
    this.state = 'stopping';
    this.stopPings();
    const { shutdownMs } = this.options.timeouts;
    const gone = (ms: number) => withTimeout(this.exited.then(() => true), ms, () => false).catch(() => false);
    if (this.channel) {
      const answered = await withTimeout(this.channel.request(Methods.shutdown.method, {}).result.then(() => true), shutdownMs, () => false).catch(() => false);
      // The writer is asynchronous: ending stdin before `exit` is written would make it a
      // write-after-end, i.e. a broken pipe, and skip the SIGTERM step.
      await withTimeout(this.channel.notify(Methods.exit.method, {}), shutdownMs, () => undefined).catch(() => undefined);
      // A plugin that answered shutdown gets its own step to exit on `exit`, before its
      // stdin closes (closing stdin first races its clean exit with its EOF handling).
      if (answered && (await gone(shutdownMs))) return this.exited;
    }
    this.child?.stdin.end();
    if (await gone(shutdownMs)) return this.exited;
    this.child?.signalGroup('SIGTERM');
    if (await gone(shutdownMs)) return this.exited;
    this.child?.signalGroup('SIGKILL');
    return this.exited;
  }

  private spawn(): void {
    this.startedAt = Date.now();
    const launcher = this.init.launcher ?? execaLauncher;
    const child = launcher.launch({ command: this.options.command, cwd: this.options.cwd, env: pluginEnv(this.options.env) });
    this.child = child;
    this.pid = child.pid;
    this.stderr.attach(child.stderr);
    const channel = new RpcChannel(child.stdout, child.stdin, this.options.maxFrameBytes, {
      onActivity: () => this.liveness?.sawActivity(),
      onNotification: (method, params) => this.onNotification(method, params),
      onRequest: (method, params) => this.hooks.onRequest?.(method, params, this),
      onBroken: (error) => {
        if (this.state === 'exited') return;
        this.broken = true;
        // A bad frame fails the requests at once, quoting the bytes. A broken pipe waits
        // for the exit (SIGKILL below), so they learn the exit code/signal and stderr.
        if (error instanceof ProtocolViolation) channel.close(error);
        // While stopping, a pipe closed by a plugin on its way out is expected: the stop
        // escalation (SIGTERM, SIGKILL) goes on at its own pace.
        if (this.state === 'stopping' && !(error instanceof ProtocolViolation)) return;
        this.kill(error instanceof ProtocolViolation ? 'protocol-error' : 'pipe-broken', errorMessage(error));
      },
    });
    if (this.frameListener) channel.frameListener = this.frameListener;
    this.channel = channel;
    // Death is known from the process exit, not from pipes closing (a grandchild may hold them).
    child.onExit((code, signal) => void this.onExit(code, signal));
    child.onError((error) => {
      if (this.pid === undefined) {
        this.endReason ??= { reason: 'start-failed', expected: false, detail: `cannot run ${JSON.stringify(this.options.command)}: ${error.message}` };
        void this.onExit(null, null);
      }
    });
  }

  private onNotification(method: string, params: unknown): void {
    // plugd/progress needs no handling here: like any message it is proof of life (Liveness).
    if (method === Methods.log.method) {
      const parsed = LogParamsSchema.safeParse(params);
      if (parsed.success) this.hooks.onLog(parsed.data, this);
    }
  }

  private async onExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.stopPings();
    const at = Date.now();
    // Whatever the plugin left behind in its group goes with it.
    this.child?.signalGroup('SIGKILL');
    await withTimeout(new Promise<void>((resolve) => (this.child ? this.child.onClose(resolve) : resolve())), DRAIN_AFTER_EXIT_MS, () => undefined).catch(() => undefined);
    this.stderr.flush();
    // A pipe breaks because the plugin is dying: unless our SIGKILL is what ended it, it
    // exited on its own, and its code/signal is the story, not the pipe.
    const pipeOnly = this.endReason?.reason === 'pipe-broken' && signal !== 'SIGKILL';
    const reason = (!pipeOnly && this.endReason) || { reason: 'exited' as const, expected: false };
    const exit: ExitInfo = {
      generation: this.generation,
      pid: this.pid,
      code,
      signal,
      at,
      uptimeMs: at - this.startedAt,
      reason: reason.reason,
      expected: reason.expected,
      ...(reason.detail ? { detail: reason.detail } : {}),
      stderrTail: this.stderr.tail(),
    };
    this.lastExit = exit;
    this.channel?.close(new PluginExitedError(exit));
    this.channel?.dispose();
    this.resolveExited(exit);
    this.hooks.onExit(exit, this);
  }

  private startPings(): void {
    const { pingIntervalMs, pingMisses } = this.options.timeouts;
    const channel = this.channel;
    if (!channel) return;
    this.liveness = new Liveness(pingIntervalMs, pingMisses, () => channel.request(Methods.ping.method, {}).result, (detail) => this.kill('unresponsive', detail));
    this.liveness.start();
  }

  private stopPings(): void {
    this.liveness?.stop();
  }

  private startFailureMessage(error: unknown): string {
    const exit = this.lastExit;
    if (this.endReason?.detail && this.endReason.reason === 'start-failed') return this.endReason.detail;
    if (error instanceof PluginExitedError || exit) {
      const e = exit ?? (error as PluginExitedError).exit;
      if (e.reason === 'protocol-error' && e.detail) return `broke the protocol before answering initialize: ${e.detail}`;
      const tail = e.stderrTail.slice(-3);
      return `exited before answering initialize (${describeExit(e)})${tail.length ? `; last stderr: ${tail.join(' | ')}` : ''}`;
    }
    if (error instanceof ProtocolViolation) return `broke the protocol before answering initialize: ${error.message}`;
    if (error instanceof RpcResponseError) return `initialize failed: ${error.message}`;
    return errorMessage(error);
  }

  private syntheticExit(): ExitInfo {
    return { generation: this.generation, pid: this.pid, code: null, signal: null, at: Date.now(), uptimeMs: 0, reason: 'exited', expected: false, stderrTail: this.stderr.tail() };
  }
}
