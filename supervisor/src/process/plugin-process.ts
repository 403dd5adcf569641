import { LogParamsSchema, Methods, ProcessGroupParamsSchema } from '@plugd/protocol';
import type { Action, InitializeResult, LogParams, TraceLevel } from '@plugd/protocol';
import type { PluginOptions } from '../config/types.js';
import { PlugdError, errorMessage } from '../errors.js';
import { ProtocolViolation } from '../rpc/protocol-violation.js';
import { RpcResponseError } from '../rpc/rpc-error.js';
import type { FrameListener } from '../trace/frame-event.js';
import { describeExit } from './exit-info.js';
import type { ExitInfo, ExitReason } from './exit-info.js';
import { execaLauncher } from './execa-launcher.js';
import type { PingClock } from './ping-clock.js';
import type { LaunchedProcess, ProcessLauncher } from './launcher.js';
import { pluginEnv } from './plugin-env.js';
import { spawnCommand } from './spawn-command.js';
import { launchRefusal } from '../security/launch-check.js';
import type { GenerationGuard, GuardedLaunch } from '../containment/guard.js';
import { CgroupMoveError } from '../containment/move-into-cgroup.js';
import { StderrTail } from './stderr-tail.js';
import { withTimeout } from './with-timeout.js';
import { Liveness } from './liveness.js';
import { protocolFor } from './protocols.js';
import type { ProtocolSession, RunContext, ToolInfo } from './protocol-session.js';

export type ProcessState = 'idle' | 'starting' | 'ready' | 'stopping' | 'exited';

export interface PluginProcessHooks {
  /** The child exists (its pid is known, unless it could not be run at all). */
  onSpawn?(proc: PluginProcess): void;
  onStderr(line: string, proc: PluginProcess): void;
  onLog(params: LogParams, proc: PluginProcess): void;
  onExit(exit: ExitInfo, proc: PluginProcess): void;
  /** Containment of this generation (cgroup or process tree); plain process-group kill when absent. */
  readonly guard?: GenerationGuard;
  /** A request from the plugin (plugd/execute); without a handler it is answered MethodNotFound. */
  onRequest?(method: string, params: unknown, proc: PluginProcess): Promise<unknown> | undefined;
}

export interface InitOptions {
  readonly username: string;
  readonly trace: TraceLevel;
  /** How the process is run; real processes (execa) unless a test injects a fake. */
  readonly launcher?: ProcessLauncher;
  /** Replaces secret values in the free text this process reports (stderr lines, exit details). */
  readonly scrub?: (text: string) => string;
  /** The supervisor's shared liveness timer; else this process has a timer of its own. */
  readonly pingClock?: PingClock;
}

const STDERR_TAIL_LINES = 50;
/** After exit, how long to wait for the pipes to drain the last stderr lines. */
const DRAIN_AFTER_EXIT_MS = 500;
/**
 * How long a broken stdin pipe waits for the plugin's exit before plugd kills it. A pipe
 * breaks because the plugin is dying, usually: its exit (code, signal) is then the story.
 * Frames leave at the end of their tick (protocol/src/tick-writer.ts), so a write can
 * meet a plugin killed a moment before, and report EPIPE before its exit is seen.
 */
const PIPE_BROKEN_GRACE_MS = 250;

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
  private channel: ProtocolSession | undefined;
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
    this.stderr = new StderrTail(STDERR_TAIL_LINES, (line) => this.hooks.onStderr(line, this), init.scrub);
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

  /** MCP servers: the tools this generation lists (undefined for plugd plugins). */
  get tools(): readonly ToolInfo[] | undefined {
    return this.channel?.tools;
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
    const refusal = launchRefusal(this.options);
    if (refusal) return this.refuse(refusal);
    try {
      this.spawn();
    } catch (error) {
      // Could not be run at all (no such program): no process, no exit to wait for.
      const message = errorMessage(error);
      this.endReason = { reason: 'start-failed', expected: false, detail: message };
      this.state = 'exited';
      this.lastExit = { ...this.syntheticExit(), reason: 'start-failed', detail: message };
      this.resolveExited(this.lastExit);
      this.hooks.guard?.started();
      this.hooks.onExit(this.lastExit, this);
      throw new PlugdError('PLUGIN_START_FAILED', message, { cause: error });
    }
    this.hooks.onSpawn?.(this);
    const channel = this.channel!;
    const { initMs } = this.options.timeouts;
    try {
      const result = (await withTimeout(channel.handshake(), initMs, () => new PlugdError('REQUEST_TIMEOUT', `did not answer initialize within ${initMs} ms (timeouts.initMs)`))) as InitializeResult;
      if (this.state !== 'starting') throw new PlugdError('PLUGIN_START_FAILED', 'was stopped while starting');
      this.initResult = result;
      this.state = 'ready';
      this.hooks.guard?.started();
      this.readyAt = Date.now();
      this.startPings();
      return result;
    } catch (error) {
      const message = (this.init.scrub ?? String)(this.startFailureMessage(error));
      this.hooks.guard?.started();
      this.kill('start-failed', message);
      await this.exited;
      throw new PlugdError('PLUGIN_START_FAILED', message, { cause: error });
    }
  }

  /** Sends one action; rejects with PluginExitedError, ProtocolViolation or RpcResponseError. */
  run(action: Action, timeoutMs: number, context?: RunContext): { id: number; result: Promise<unknown> } {
    if (!this.channel || this.state === 'exited') {
      return { id: -1, result: Promise.reject(new PluginExitedError(this.lastExit ?? this.syntheticExit())) };
    }
    return this.channel.run(action, timeoutMs, context);
  }

  /** Cancels request `id`; `reason` goes to protocols that carry one (MCP). */
  cancel(id: number, reason?: string): void {
    this.channel?.cancel(id, reason);
  }

  /** SIGKILLs the whole process group now. The first recorded reason wins. */
  kill(reason: ExitReason, detail?: string, expected = false): void {
    this.endReason ??= { reason, expected, ...(detail ? { detail } : {}) };
    if (this.pid !== undefined && this.state !== 'exited') this.signalTree('SIGKILL');
  }

  /** shutdown -> exit -> stdin closed -> SIGTERM -> SIGKILL, each step after its own timeout. */
  stop(): Promise<ExitInfo> {
    this.stopping ??= this.runStop();
    return this.stopping;
  }

  private async runStop(): Promise<ExitInfo> {
    if (this.state === 'exited' || this.state === 'idle') return this.lastExit ?? this.syntheticExit();
    this.endReason ??= { reason: 'stopped', expected: true };
    if (this.pid !== undefined) this.hooks.guard?.snapshot(this.pid);
    if (this.state === 'starting') {
      this.kill('stopped', undefined, true);
      return this.exited;
    }
    this.state = 'stopping';
    this.stopPings();
    const { shutdownMs } = this.options.timeouts;
    const gone = (ms: number) => withTimeout(this.exited.then(() => true), ms, () => false).catch(() => false);
    if (this.channel) {
      const answered = await this.channel.shutdown(shutdownMs);
      // A plugin that answered shutdown gets its own step to exit on `exit`, before its
      // stdin closes (closing stdin first races its clean exit with its EOF handling).
      if (answered && (await gone(shutdownMs))) return this.exited;
    }
    this.child?.stdin.end();
    if (await gone(shutdownMs)) return this.exited;
    this.signalTree('SIGTERM');
    if (await gone(shutdownMs)) return this.exited;
    this.signalTree('SIGKILL');
    return this.exited;
  }

  /** Everything the plugin started: its cgroup or process tree (guard), else its process group. */
  private signalTree(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    if (this.hooks.guard) this.hooks.guard.signal(this.pid, signal);
    else this.child?.signalGroup(signal);
  }

  private spawn(): void {
    // setpriv and Node's permission flags wrap the plugin's own command (spawn-command.ts);
    // the guard goes outside them: the cgroup wrapper (it must write cgroup.procs as root),
    // or the Node gate, with plugd moving the pid right after the spawn.
    const own = spawnCommand(this.options);
    const request = { command: [own.file, ...own.args], env: pluginEnv(this.options.env, process.env, this.options.runAs), cwd: this.options.cwd, ...(this.options.runAs ? { runAs: this.options.runAs } : {}) };
    const launch: GuardedLaunch = this.hooks.guard?.launch(request) ?? request;
    this.startedAt = Date.now();
    const launcher = this.init.launcher ?? execaLauncher;
    const child = launcher.launch({
      command: launch.command,
      program: this.options.command[0] ?? own.file,
      cwd: this.options.cwd,
      env: launch.env,
    });
    this.child = child;
    this.pid = child.pid;
    if (launch.afterSpawn && child.pid !== undefined) launch.afterSpawn(child.pid).catch((error: unknown) => this.onContainFailed(error));
    this.stderr.attach(child.stderr);
    const context = { options: this.options, username: this.init.username, trace: this.init.trace };
    const channel = protocolFor(this.options).open(child, context, {
      onActivity: () => this.liveness?.sawActivity(),
      onNotification: (method, params) => this.onNotification(method, params),
      onRequest: (method, params) => this.hooks.onRequest?.(method, params, this),
      onBroken: (error) => {
        if (this.state === 'exited') return;
        this.broken = true;
        // A bad frame fails the requests at once, quoting the bytes. A broken pipe waits
        // for the exit (or a SIGKILL after PIPE_BROKEN_GRACE_MS), so they learn the exit
        // code/signal and stderr.
        if (error instanceof ProtocolViolation) channel.close(error);
        // While stopping, a pipe closed by a plugin on its way out is expected: the stop
        // escalation (SIGTERM, SIGKILL) goes on at its own pace.
        if (this.state === 'stopping' && !(error instanceof ProtocolViolation)) return;
        if (error instanceof ProtocolViolation) {
          this.kill('protocol-error', errorMessage(error));
          return;
        }
        const detail = errorMessage(error);
        setTimeout(() => {
          if (this.state !== 'exited' && this.state !== 'stopping') this.kill('pipe-broken', detail);
        }, PIPE_BROKEN_GRACE_MS).unref();
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

  /**
   * The move into its cgroup failed (the Node gate holds the plugin meanwhile, so none of
   * its code has run): it is killed and the start fails naming why. A process already
   * gone (ESRCH) is left to its exit, which tells why it died.
   */
  private onContainFailed(error: unknown): void {
    if (this.state === 'exited' || (error instanceof CgroupMoveError && error.gone)) return;
    this.kill('start-failed', errorMessage(error));
  }

  /** Not spawned at all (integrity pin, unreachable files): an exit with reason `refused`. */
  private refuse(detail: string): never {
    this.endReason = { reason: 'refused', expected: false, detail };
    const exit: ExitInfo = { ...this.syntheticExit(), reason: 'refused', detail };
    this.state = 'exited';
    this.lastExit = exit;
    this.resolveExited(exit);
    this.hooks.onExit(exit, this);
    throw new PlugdError('PLUGIN_START_FAILED', detail);
  }

  private onNotification(method: string, params: unknown): void {
    // plugd/progress needs no handling here: like any message it is proof of life (Liveness).
    if (method === Methods.processGroup.method) {
      const parsed = ProcessGroupParamsSchema.safeParse(params);
      if (parsed.success && this.pid !== undefined) this.hooks.guard?.onProcessGroup(this.pid, parsed.data.pgid, parsed.data.alive);
    } else if (method === Methods.log.method) {
      const parsed = LogParamsSchema.safeParse(params);
      if (parsed.success) this.hooks.onLog(parsed.data, this);
    }
  }

  private async onExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.stopPings();
    const at = Date.now();
    // Whatever the plugin left behind (its group, its cgroup) goes with it.
    const verdict = this.hooks.guard ? this.hooks.guard.release(this.pid, { code, signal }) : undefined;
    if (!this.hooks.guard) this.child?.signalGroup('SIGKILL');
    // Its last output is read once both pipes ended, which is usually before the exit is
    // reported; else wait for them to close (bounded: a grandchild may hold them open).
    const child = this.child;
    if (child && !(ended(child.stdout) && ended(child.stderr))) {
      await withTimeout(new Promise<void>((resolve) => child.onClose(resolve)), DRAIN_AFTER_EXIT_MS, () => undefined).catch(() => undefined);
    }
    // The kernel's out-of-memory kill explains a SIGKILL plugd did not send.
    if (verdict && (!this.endReason || this.endReason.reason === 'pipe-broken')) this.endReason = { reason: verdict.reason, expected: false, detail: verdict.detail };
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
      ...(reason.detail ? { detail: this.init.scrub?.(reason.detail) ?? reason.detail } : {}),
      stderrTail: this.stderr.tail(),
    };
    this.lastExit = exit;
    this.channel?.close(new PluginExitedError(exit));
    this.channel?.dispose();
    this.resolveExited(exit);
    this.hooks.onExit(exit, this);
  }

  private get protocolName(): string {
    return this.options.protocol;
  }

  private startPings(): void {
    const { pingIntervalMs, pingMisses } = this.options.timeouts;
    const channel = this.channel;
    if (!channel) return;
    this.liveness = new Liveness(pingIntervalMs, pingMisses, () => channel.ping(), (detail) => this.kill('unresponsive', detail), this.init.pingClock);
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
    if (this.protocolName === 'mcp') {
      const tail = this.stderr.tail(3);
      return `MCP handshake failed: ${errorMessage(error)}${tail.length ? `; last stderr: ${tail.join(' | ')}` : ''}`;
    }
    return errorMessage(error);
  }

  private syntheticExit(): ExitInfo {
    return { generation: this.generation, pid: this.pid, code: null, signal: null, at: Date.now(), uptimeMs: 0, reason: 'exited', expected: false, stderrTail: this.stderr.tail() };
  }
}

/** A pipe whose every byte was read ('end' emitted). */
function ended(stream: NodeJS.ReadableStream): boolean {
  return (stream as { readableEnded?: boolean }).readableEnded === true;
}
