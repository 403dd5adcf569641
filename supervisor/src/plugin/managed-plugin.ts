import { ErrorIds, errorObservation } from '@plugd/protocol';
import type { Action, IdempotentRule, Observation, TraceLevel } from '@plugd/protocol';
import type { Logger } from 'pino';
import type { PluginOptions } from '../config/types.js';
import type { SupervisorEvents } from '../events.js';
import { errorMessage, isPlugdError } from '../errors.js';
import { describeExit } from '../process/exit-info.js';
import type { ExitInfo } from '../process/exit-info.js';
import type { ProcessLauncher } from '../process/launcher.js';
import type { PingClock } from '../process/ping-clock.js';
import type { ToolInfo } from '../process/protocol-session.js';
import type { PluginProcess } from '../process/plugin-process.js';
import type { FrameListener } from '../trace/frame-event.js';
import type { GenerationGuard } from '../containment/guard.js';
import { GenerationFactory } from './generation-factory.js';
import { ReloadLoop } from './reload-loop.js';
import { StartAttempt } from './start-attempt.js';
import { SpeculativeStarts } from './speculative-starts.js';
import type { HeldStart } from './speculative-starts.js';
import type { Speculation } from './speculation.js';
import type { SpeculativeStart } from '../watch/burst-speculation.js';
import { logUnexpectedExit } from './unexpected-exit-log.js';
import { MemoryRestart } from '../containment/memory-restart.js';
import { ActionQueue } from './action-queue.js';
import type { SubmitOptions } from './action-queue.js';
import { Generations } from './generations.js';
import type { Job } from './job.js';
import { Lifecycle } from './lifecycle.js';
import type { IllegalTransition, LifecycleEvent } from './lifecycle.js';
import type { PluginState } from './plugin-state.js';
import { buildStatus } from './plugin-status.js';
import type { PluginStatus } from './plugin-status.js';
import { RestartScheduler } from './restart-scheduler.js';

export interface ManagedPluginHooks {
  readonly logger: Logger;
  readonly username: string;
  /** Replaces secret values in free text (stderr lines, exit details). */
  scrub?(text: string): string;
  emit<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void;
  /** Takes the routes for `actions`; returns a conflict message, if any. */
  claimRoutes(plugin: string, actions: readonly string[]): string | undefined;
  traceLevel(plugin: string): TraceLevel;
  frameListener(plugin: string, proc: PluginProcess): FrameListener | undefined;
  /** Recent frames for a crash report. */
  lastFrames(plugin: string): readonly unknown[] | undefined;
  /** How generations are run; real processes unless a test injects a fake. */
  readonly launcher?: ProcessLauncher;
  /** A request from one of its generations (plugd/execute); undefined: not served. */
  onRequest?(plugin: ManagedPlugin, method: string, params: unknown, proc: PluginProcess): Promise<unknown> | undefined;
  /** Generation numbers continue from here (a plugin replaced by a config reload keeps counting). */
  readonly firstGeneration?: number;
  /** An illegal lifecycle transition throws (tests); otherwise it is logged as a bug. */
  readonly strictLifecycle?: boolean;
  /** Containment of a new generation (its cgroup or process tree). */
  guardFor?(plugin: PluginOptions, generation: number): GenerationGuard;
  /** How often memory is sampled for limits.memoryRestartMiB. */
  readonly sampleIntervalMs?: number;
  /** One liveness timer for all of a supervisor's plugins (ping-clock.ts). */
  readonly pingClock?: PingClock;
}

type StartKind = 'start' | 'restart' | 'probe' | 'reload';

/**
 * One configured plugin across its generations. It composes the parts that each do
 * one job: Lifecycle (the state table), Generations (current and draining),
 * ActionQueue (exactly one answer per action), RestartScheduler (backoff, failed,
 * probes). What is left here is the wiring: which event each outcome fires.
 */
export class ManagedPlugin {
  private readonly lifecycle: Lifecycle;
  private readonly generations: Generations;
  private readonly actions: ActionQueue;
  private readonly retry: RestartScheduler;
  private readonly reloadLoop: ReloadLoop;
  private readonly factory: GenerationFactory;
  private stopped = false;
  /** The start under way: stop() cuts it short, a reload waits for its outcome. */
  private readonly attempt = new StartAttempt();
  /** Generations started while their files' events settle (watch), held until a reload adopts them. */
  private readonly speculative: SpeculativeStarts;
  private readonly memoryRestart: MemoryRestart | undefined;

  reloads = 0;
  lastExit: ExitInfo | undefined;
  lastError: string | undefined;
  lastReloadError: string | undefined;
  version: string | undefined;
  actionTypes: readonly string[] = [];
  /** MCP servers: the tools of the last generation that served (kept while it restarts). */
  private lastTools: readonly ToolInfo[] | undefined;
  /** The idempotency rules of the last generation that started (kept after it crashed: they decide a retry). */
  lastIdempotent: readonly IdempotentRule[] | undefined;
  /** Why it is disabled (its `when` condition) or waiting (a dependency), for /plugins. */
  reason: string | undefined;

  constructor(
    readonly options: PluginOptions,
    private readonly hooks: ManagedPluginHooks,
  ) {
    this.generations = new Generations(hooks.firstGeneration);
    this.lifecycle = new Lifecycle(
      (state, previous) => this.hooks.emit('state', { plugin: this.name, state, previous, generation: this.generations.latest }),
      (error) => this.onIllegal(error),
    );
    this.retry = new RestartScheduler(options.restart);
    this.speculative = new SpeculativeStarts(options.name, hooks.logger);
    this.factory = new GenerationFactory(options, hooks, this, (exit, proc) => this.onProcessExit(exit, proc), (proc, report) => this.speculative.relay(proc, report));
    this.reloadLoop = new ReloadLoop(() => this.reloadOnce(), () => !this.stopped);
    const limit = options.limits?.memoryRestartMiB;
    if (limit !== undefined) {
      this.memoryRestart = new MemoryRestart(limit, hooks.sampleIntervalMs ?? 1_000, () => this.usage(), (detail) => {
        if (this.current?.serving) this.current.kill('memory-limit', detail);
      });
    }
    this.actions = new ActionQueue({
      name: options.name,
      maxQueued: options.maxQueued,
      current: () => this.generations.current,
      waitingFor: () =>
        this.state === 'restarting' || this.state === 'starting' || !this.current
          ? `state: ${this.state}${this.lastError ? `; last error: ${this.lastError}` : ''}`
          : undefined,
      concurrency: () => this.current?.concurrency ?? 1,
      unavailable: (action, why) => this.unavailable(action, why),
      onIdle: (proc) => {
        if (this.generations.isDraining(proc)) void proc.stop();
      },
      onSettled: (job, _observation, outcome, durationMs) =>
        this.hooks.emit('action', { plugin: this.name, type: job.action.action, generation: job.proc?.generation, durationMs, outcome }),
    });
  }

  get name(): string {
    return this.options.name;
  }

  get state(): PluginState {
    return this.lifecycle.state;
  }

  /** The generation that serves, if any. */
  get current(): PluginProcess | undefined {
    return this.generations.current;
  }

  /** MCP servers: the serving generation's tools (fresh after tools/list_changed), else the last known. */
  get tools(): readonly ToolInfo[] | undefined {
    return this.current?.tools ?? this.lastTools;
  }

  /** Disabled or waiting: not started, so nothing to restart or reload. */
  private get dormant(): boolean {
    return this.state === 'disabled' || this.state === 'waiting';
  }

  /** The action a generation is running as `run` request `rpcId`, while it runs. */
  runningJob(proc: PluginProcess, rpcId: number): Job | undefined {
    return this.actions.runningJob(proc, rpcId);
  }

  /** Every live generation (for a plugd/execute request, to find which one asked). */
  generationsAlive(): PluginProcess[] {
    return this.generations.all();
  }

  /** The highest generation number handed out. */
  get latestGeneration(): number {
    return this.generations.latest;
  }

  /** Nothing queued or in flight on any generation. */
  get idle(): boolean {
    return this.actions.queued === 0 && this.actions.inFlightTotal() === 0;
  }

  get restarts(): number {
    return this.retry.restarts;
  }

  /** First start. Resolves true when ready; false when it failed (and restarts are scheduled). */
  start(): Promise<boolean> {
    this.stopped = false;
    this.fire('start');
    this.memoryRestart?.start();
    return this.launch('start');
  }

  /** Its `when` condition is false: it does not run; actions are refused with `reason`. */
  disable(reason: string): void {
    this.reason = reason;
    this.fire('disable');
  }

  /** Its condition holds again: stopped, ready to be started. */
  enable(): void {
    this.reason = undefined;
    this.fire('enable');
  }

  /** A dependency is not ready: it starts later (start()), actions are refused with `reason`. */
  wait(reason: string): void {
    this.reason = reason;
    this.fire('wait');
  }

  /**
   * Accepts one action; resolves with exactly one Observation. `deadline` is absolute
   * (epoch ms), set once where the action was accepted. `options`: the shared
   * session, and for a plugin-to-plugin call its caller and `cancel` (the caller ended).
   */
  submit(action: Action, acceptedAt: number, deadline: number, options: SubmitOptions = {}): Promise<Observation> {
    const refused = this.refusal();
    if (refused) return Promise.resolve(this.unavailable(action, refused));
    const observation = this.actions.enqueue(action, acceptedAt, deadline, options);
    this.actions.pump();
    return observation;
  }

  /** Why an action would be refused at once (failed, stopped), or undefined when it may wait. */
  refusal(): string | undefined {
    if (this.state === 'disabled') return `it is disabled: ${this.reason ?? 'its condition is false'}`;
    if (this.state === 'waiting') return `it is waiting: ${this.reason ?? 'for its dependencies'}`;
    if (this.state === 'failed') return `it has failed: ${this.lastError ?? 'crash loop'}. ${this.retryText()}`;
    if (this.stopped || this.state === 'stopped' || this.state === 'stopping') return `it is ${this.state}${this.lastError ? ` (${this.lastError})` : ''}`;
    return undefined;
  }

  /** Stop, then start a fresh generation; a failed plugin is probed at once. */
  async restart(): Promise<void> {
    if (this.stopped || this.dormant) return;
    this.speculative.drop('a restart was asked');
    this.retry.clear();
    this.retry.reset();
    const old = this.generations.dropCurrent();
    this.fire('restart');
    if (old) await old.stop();
    if (this.stopped) return;
    await this.launch('restart');
  }

  /** Blue/green: start the next generation beside the current one and swap when it is ready. */
  reload(): Promise<void> {
    if (this.stopped || this.dormant) return Promise.resolve();
    return this.reloadLoop.run();
  }

  /**
   * Starts the next generation while a watched burst of file events settles: held
   * (Speculation), it takes no action and is not promoted until the burst confirms it
   * and the reload that follows adopts it. Undefined when a blue/green reload could not
   * start now (then the burst reloads once it settles, as always).
   */
  speculate(files: readonly string[]): SpeculativeStart | undefined {
    const idle = this.state === 'ready' && this.current?.state === 'ready' && !this.reloadLoop.busy && !this.attempt.current;
    if (this.stopped || !idle || this.speculative.pending) return undefined;
    const proc = this.newProcess();
    return this.speculative.begin(proc, files, (held) => this.startGeneration('reload', proc, held));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.memoryRestart?.stop();
    this.retry.clear();
    this.fire('stop');
    this.actions.failQueued('plugd is stopping');
    this.speculative.drop('plugd is stopping');
    // A start in progress is killed, not waited for (a slow initialize could take initMs).
    this.attempt.cutShort();
    await this.attempt.current?.catch(() => undefined);
    await this.speculative.settled();
    await Promise.all(
      this.generations.all().map(async (proc) => {
        await this.actions.idle(proc, proc.options.timeouts.shutdownMs);
        await proc.stop();
      }),
    );
    if (this.state === 'stopping') this.fire('stopped');
  }

  status(): PluginStatus {
    const status = this.baseStatus();
    return this.options.protocol === 'mcp' ? { ...status, tools: (this.tools ?? []).map((t) => t.name) } : status;
  }

  private baseStatus(): PluginStatus {
    return buildStatus({
      name: this.name,
      state: this.state,
      current: this.current,
      latestGeneration: this.generations.latest,
      version: this.version,
      actionTypes: this.actionTypes,
      restarts: this.restarts,
      reloads: this.reloads,
      actions: this.actions,
      lastExit: this.lastExit,
      lastError: this.lastError,
      lastReloadError: this.lastReloadError,
      nextRetryAt: this.retry.nextRetryAt,
      watch: this.options.watch,
      resources: this.usage(),
      limits: this.options.limits ?? {},
    });
  }

  /** Memory, CPU time and processes of the serving generation's whole tree or cgroup. */
  private usage(): PluginStatus['resources'] {
    return this.factory.usage(this.current);
  }

  /** Re-applies the trace level to the running generations. */
  refreshTrace(): void {
    for (const proc of this.generations.all()) proc.setFrameListener(this.hooks.frameListener(this.name, proc));
  }

  // --- starting generations -------------------------------------------------

  private launch(kind: StartKind): Promise<boolean> {
    const proc = this.newProcess();
    this.attempt.launching(proc);
    return this.attempt.track(this.startGeneration(kind, proc), kind === 'reload');
  }

  /** `held`: started speculatively; it goes on only once adopted (a dropped one ends here, stopped). */
  private async startGeneration(kind: StartKind, proc: PluginProcess, held?: Speculation): Promise<boolean> {
    const began = Date.now();
    try {
      const init = await proc.start();
      const startMs = Date.now() - began;
      if (held && !(await this.speculative.adopted(held, proc))) return false;
      if (this.stopped) {
        await proc.stop();
        return false;
      }
      if (held && proc.lastExit) throw new Error(`exited before it was swapped in (${proc.lastExit.detail ?? describeExit(proc.lastExit)})`);
      this.onReady(proc, kind, init, began, startMs);
      return true;
    } catch (error) {
      if (this.stopped) return false; // killed by stop(): not a failure to report
      if (held && !(await this.speculative.adopted(held, proc))) return false; // dropped: never told
      this.onStartFailed(proc, kind, error);
      return false;
    }
  }

  /** The burst confirmed a speculative start: from here it is this reload's blue/green start. */
  private async adopt({ speculation, proc, run }: HeldStart): Promise<void> {
    this.fire('reload');
    this.attempt.launching(proc);
    const tracked = this.attempt.track(run, true);
    speculation.adopt();
    await tracked;
  }

  private onReady(proc: PluginProcess, kind: StartKind, init: { version: string; actions: string[]; idempotent?: IdempotentRule[] | undefined }, began: number, startMs: number): void {
    this.lastIdempotent = init.idempotent;
    const conflict = this.hooks.claimRoutes(this.name, init.actions);
    // lastError is the last one seen, kept after a recovery (state says whether it serves).
    if (conflict) this.lastError = conflict;
    this.version = init.version;
    this.actionTypes = init.actions;
    this.lastTools = proc.tools;
    this.hooks.emit('ready', { plugin: this.name, generation: proc.generation, pid: proc.pid, version: init.version, actions: init.actions, startMs });
    this.hooks.logger.info({ plugin: this.name, pid: proc.pid, generation: proc.generation, version: init.version, actions: init.actions, ms: startMs }, 'plugin ready');
    // A reload may have swapped in a generation while this one started: never orphan it.
    const old = this.generations.promote(proc);
    if (old) this.drain(old);
    // The old generation may have crashed meanwhile: the new one serves, no restart is due.
    this.retry.clear();
    if (kind === 'probe') this.retry.reset();
    if (kind === 'reload') {
      this.reloads += 1;
      this.lastReloadError = undefined;
      this.hooks.emit('reload', { plugin: this.name, fromGeneration: old?.generation, toGeneration: proc.generation, durationMs: Date.now() - began });
    }
    this.fire('ready');
    this.actions.pump();
  }

  private onStartFailed(proc: PluginProcess, kind: StartKind, error: unknown): void {
    const message = errorMessage(error);
    this.hooks.emit('start_failed', { plugin: this.name, generation: proc.generation, error: message });
    this.hooks.logger.error({ plugin: this.name, generation: proc.generation, stderr: proc.stderrTail(10) }, `plugin failed to start: ${message}`);
    if (kind === 'reload') {
      this.lastReloadError = message;
      this.hooks.emit('reload_failed', { plugin: this.name, generation: proc.generation, error: message });
      if (this.state !== 'reloading') return; // a restart took over meanwhile
      if (this.current) {
        this.fire('reload-failed');
        return;
      }
      // The old generation crashed while this one started: that crash is handled now.
      this.afterExit(this.lastExit, undefined);
      return;
    }
    this.lastError = message;
    const missing = isPlugdError((error as { cause?: unknown }).cause, 'PROGRAM_NOT_FOUND');
    // Retrying cannot fix a changed digest or a folder the user cannot reach: failed at once.
    const refused = proc.lastExit?.reason === 'refused';
    this.afterExit(proc.lastExit, kind === 'probe' ? `the probe start failed: ${message}` : missing || refused ? message : undefined);
  }

  private async reloadOnce(): Promise<void> {
    if (this.stopped) return;
    // A generation started while the files settled serves this reload if they confirmed it.
    const held = this.speculative.take('a reload was asked before its files settled');
    if (held && this.state === 'ready' && this.current?.state === 'ready') return this.adopt(held);
    held?.speculation.drop('nothing serves to reload blue/green');
    if (this.current?.state === 'ready') {
      this.fire('reload');
      await this.launch('reload');
      return;
    }
    // A start is under way: its outcome decides (a ready generation is reloaded blue/green).
    const starting = this.attempt.current;
    if (starting) {
      await starting.catch(() => undefined);
      return this.reloadOnce();
    }
    // Nothing healthy to keep serving: a reload is a fresh start (the fix for a crash loop).
    this.retry.clear();
    this.retry.reset();
    this.fire('reload');
    const began = Date.now();
    if (await this.launch('probe')) {
      this.reloads += 1;
      this.lastReloadError = undefined;
      this.hooks.emit('reload', { plugin: this.name, fromGeneration: undefined, toGeneration: this.current?.generation ?? this.generations.latest, durationMs: Date.now() - began });
    } else if (!this.stopped) {
      this.lastReloadError = this.lastError;
      this.hooks.emit('reload_failed', { plugin: this.name, generation: this.generations.latest, error: this.lastError ?? 'failed to start' });
    }
  }

  private newProcess(): PluginProcess {
    const proc = this.factory.create(this.generations.next());
    this.actions.track(proc);
    return proc;
  }

  // --- crashes and restarts --------------------------------------------------

  private onProcessExit(exit: ExitInfo, proc: PluginProcess): void {
    this.actions.untrack(proc);
    const wasCurrent = this.generations.forget(proc);
    const lastFrames = this.hooks.lastFrames(this.name);
    this.speculative.relay(proc, () => {
      this.hooks.emit('exit', { plugin: this.name, ...exit, ...(lastFrames ? { lastFrames } : {}) });
      if (!exit.expected && exit.reason !== 'start-failed' && exit.reason !== 'refused') logUnexpectedExit(this.hooks.logger, this.name, exit, lastFrames);
    });
    if (!wasCurrent || exit.expected || exit.reason === 'start-failed' || exit.reason === 'refused') return;
    // Nothing is left to reload blue/green from: a generation started early is dropped; the crash is handled as always.
    this.speculative.drop('the serving generation exited');
    this.lastExit = exit;
    this.lastError = exit.detail ?? `exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})`;
    // A new generation is starting beside it: its outcome decides (ready: no restart due).
    if (this.attempt.reloading || this.stopped) return;
    this.afterExit(exit, undefined);
  }

  /** A generation ended or did not start: restart later, fail (probe later), or stay stopped. */
  private afterExit(exit: ExitInfo | undefined, failNow: string | undefined): void {
    if (exit) this.lastExit = exit;
    const next = this.retry.decide(exit, failNow);
    switch (next.kind) {
      case 'restart':
        this.fire('crashed');
        this.hooks.emit('restart', { plugin: this.name, attempt: next.attempt, delayMs: next.delayMs, at: next.at });
        this.retry.schedule(next.delayMs, () => void this.launch('restart'), next.at);
        return;
      case 'fail':
        this.lastError = `${next.reason}${this.lastError && !next.reason.includes(this.lastError) ? `; last error: ${this.lastError}` : ''}`;
        this.retry.schedule(next.retryInMs, () => {
          this.fire('probe');
          void this.launch('probe');
        }, next.at);
        this.fire('gave-up');
        this.hooks.emit('failed', { plugin: this.name, reason: this.lastError, retryAt: next.at });
        this.actions.failQueued(`it has failed: ${this.lastError}. ${this.retryText()}`);
        return;
      case 'stay-stopped':
        this.lastError = `${this.lastError ?? 'exited'}; not restarted: ${next.reason}`;
        this.fire('exited');
        this.actions.failQueued(`it exited and is not restarted (${next.reason})`);
        return;
    }
  }

  private retryText(): string {
    const at = this.retry.nextRetryAt;
    return at ? `It will be tried again at ${new Date(at).toISOString()}.` : '';
  }

  // --- actions and generations ---------------------------------------------

  private unavailable(action: Action, why: string): Observation {
    return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, `Plugin ${this.name} cannot run "${action.action}": ${why}`);
  }

  /** The old generation finishes what it has in flight (bounded by action deadlines), then stops. */
  private drain(old: PluginProcess): void {
    if (this.actions.inFlight(old) === 0) void old.stop();
  }

  private fire(event: LifecycleEvent): void {
    this.lifecycle.fire(event);
  }

  private onIllegal(error: IllegalTransition): void {
    this.hooks.logger.error({ plugin: this.name, from: error.from, event: error.event }, `bug: ${error.message}`);
    if (this.hooks.strictLifecycle ?? process.env['NODE_ENV'] === 'test') throw error;
  }
}
