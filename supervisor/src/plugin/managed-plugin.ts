import type { SessionState } from '../routing/session-state.js';
import { ErrorIds, errorObservation } from '@plugd/protocol';
import type { Action, Observation, TraceLevel } from '@plugd/protocol';
import type { Logger } from 'pino';
import type { PluginOptions } from '../config/types.js';
import type { SupervisorEvents } from '../events.js';
import { errorMessage } from '../errors.js';
import { describeExit } from '../process/exit-info.js';
import type { ExitInfo } from '../process/exit-info.js';
import { PluginProcess } from '../process/plugin-process.js';
import { RestartPolicy } from '../policy/restart-policy.js';
import type { FrameListener } from '../trace/frame-event.js';
import { ActionQueue } from './action-queue.js';
import type { PluginState } from './plugin-state.js';
import type { PluginStatus } from './plugin-status.js';

export interface ManagedPluginHooks {
  readonly logger: Logger;
  readonly username: string;
  emit<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void;
  /** Takes the routes for `actions`; returns a conflict message, if any. */
  claimRoutes(plugin: string, actions: readonly string[]): string | undefined;
  traceLevel(plugin: string): TraceLevel;
  frameListener(plugin: string, proc: PluginProcess): FrameListener | undefined;
  /** Recent frames for a crash report. */
  lastFrames(plugin: string): readonly unknown[] | undefined;
}

type StartKind = 'start' | 'restart' | 'probe' | 'reload';

/**
 * One configured plugin across its generations: queues actions until a generation
 * is ready, keeps per-plugin concurrency, answers every accepted action exactly
 * once, restarts on crash (as the RestartPolicy says), and swaps generations on reload.
 */
export class ManagedPlugin {
  state: PluginState = 'stopped';
  current: PluginProcess | undefined;
  private readonly draining = new Set<PluginProcess>();
  private readonly actions: ActionQueue;
  private readonly policy: RestartPolicy;
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private stopped = false;
  /** Starting or restarting right now (start and stop never overlap). */
  private starting: Promise<boolean> | undefined;
  /** The generation being started right now, so stop() can cut its start short. */
  private launchingProc: PluginProcess | undefined;

  restarts = 0;
  reloads = 0;
  lastExit: ExitInfo | undefined;
  lastError: string | undefined;
  lastReloadError: string | undefined;
  nextRetryAt: number | undefined;
  version: string | undefined;
  actionTypes: readonly string[] = [];

  constructor(
    readonly options: PluginOptions,
    private readonly hooks: ManagedPluginHooks,
  ) {
    this.policy = new RestartPolicy(options.restart);
    this.actions = new ActionQueue({
      name: options.name,
      waitingFor: () =>
        this.state === 'restarting' || this.state === 'starting' || !this.current
          ? `state: ${this.state}${this.lastError ? `; last error: ${this.lastError}` : ''}`
          : undefined,
      concurrency: () => this.current?.concurrency ?? 1,
      unavailable: (action, why) => this.unavailable(action, why),
      onIdle: (proc) => {
        if (this.draining.has(proc)) void proc.stop();
      },
      onSettled: (job, _observation, outcome, durationMs) =>
        this.hooks.emit('action', { plugin: this.name, type: job.action.action, generation: job.proc?.generation, durationMs, outcome }),
    });
  }

  get name(): string {
    return this.options.name;
  }

  /** First start. Resolves true when ready; false when it failed (and restarts are scheduled). */
  start(): Promise<boolean> {
    this.stopped = false;
    return this.launch('start');
  }

  /** Accepts one action; resolves with exactly one Observation. */
  submit(action: Action, acceptedAt: number, timeoutMs: number, session?: SessionState): Promise<Observation> {
    if (this.state === 'failed') {
      return Promise.resolve(this.unavailable(action, `it has failed: ${this.lastError ?? 'crash loop'}. ${this.retryText()}`));
    }
    if (this.stopped || this.state === 'stopped' || this.state === 'stopping') {
      return Promise.resolve(this.unavailable(action, `it is ${this.state}${this.lastError ? ` (${this.lastError})` : ''}`));
    }
    const observation = this.actions.enqueue(action, acceptedAt, timeoutMs, session);
    this.actions.pump(this.current);
    return observation;
  }

  /** Stop, then start a fresh generation; a failed plugin is probed at once. */
  async restart(): Promise<void> {
    if (this.stopped) return;
    this.clearRetry();
    this.policy.reset();
    const old = this.current;
    this.current = undefined;
    this.setState('restarting');
    if (old) await old.stop();
    await this.launch('restart');
  }

  /** Blue/green: start the next generation beside the current one and swap when it is ready. */
  reload(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        await this.reloadOnce();
      } while (this.reloadAgain && !this.stopped);
    })().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearRetry();
    this.setState('stopping');
    this.actions.failQueued('plugd is stopping');
    // A start in progress is killed, not waited for (a slow initialize could take initMs).
    void this.launchingProc?.stop();
    await this.starting?.catch(() => undefined);
    const procs = [...this.draining, ...(this.current ? [this.current] : [])];
    await Promise.all(procs.map(async (proc) => {
      await this.actions.idle(proc, proc.options.timeouts.shutdownMs);
      await proc.stop();
    }));
    this.setState('stopped');
  }

  status(): PluginStatus {
    const proc = this.current;
    return {
      name: this.name,
      state: this.state,
      pid: proc?.state === 'exited' ? undefined : proc?.pid,
      // The generation that serves; a reload that failed does not count.
      generation: proc?.generation ?? this.generation,
      version: this.version,
      actions: this.actionTypes,
      restarts: this.restarts,
      reloads: this.reloads,
      actionsHandled: this.actions.handled,
      actionErrors: this.actions.errors,
      latencyP50Ms: this.actions.percentile(50),
      latencyP99Ms: this.actions.percentile(99),
      inFlight: this.actions.inFlight(proc),
      queued: this.actions.queued,
      uptimeMs: proc?.readyAt ? Date.now() - proc.startedAt : undefined,
      lastExit: this.lastExit
        ? { code: this.lastExit.code, signal: this.lastExit.signal, at: new Date(this.lastExit.at).toISOString(), reason: this.lastExit.reason }
        : undefined,
      lastError: this.lastError,
      lastReloadError: this.lastReloadError,
      nextRetryAt: this.nextRetryAt ? new Date(this.nextRetryAt).toISOString() : undefined,
      watch: this.options.watch,
    };
  }

  /** Re-applies the trace level to the running generations. */
  refreshTrace(): void {
    for (const proc of [...this.draining, ...(this.current ? [this.current] : [])]) {
      proc.setFrameListener(this.hooks.frameListener(this.name, proc));
    }
  }

  // --- starting generations -------------------------------------------------

  private launch(kind: StartKind): Promise<boolean> {
    const run = this.startGeneration(kind).finally(() => {
      if (this.starting === run) {
        this.starting = undefined;
        this.launchingProc = undefined;
      }
    });
    this.starting = run;
    return run;
  }

  private async startGeneration(kind: StartKind): Promise<boolean> {
    const proc = this.newProcess();
    this.launchingProc = proc;
    if (kind !== 'reload') this.setState(kind === 'start' ? 'starting' : 'restarting');
    const began = Date.now();
    try {
      const init = await proc.start();
      if (this.stopped) {
        await proc.stop();
        return false;
      }
      const conflict = this.hooks.claimRoutes(this.name, init.actions);
      // lastError is the last one seen, kept after a recovery (state says whether it serves).
      if (conflict) this.lastError = conflict;
      this.version = init.version;
      this.actionTypes = init.actions;
      this.hooks.emit('ready', { plugin: this.name, generation: proc.generation, pid: proc.pid, version: init.version, actions: init.actions, startMs: Date.now() - began });
      this.hooks.logger.info({ plugin: this.name, pid: proc.pid, generation: proc.generation, version: init.version, actions: init.actions, ms: Date.now() - began }, 'plugin ready');
      if (kind === 'reload') {
        const old = this.current;
        this.current = proc;
        this.reloads += 1;
        this.lastReloadError = undefined;
        // The old generation may have crashed meanwhile: the new one serves, no restart is due.
        this.clearRetry();
        if (old) this.drain(old);
        this.hooks.emit('reload', { plugin: this.name, fromGeneration: old?.generation, toGeneration: proc.generation, durationMs: Date.now() - began });
      } else {
        const old = this.current;
        this.current = proc;
        // A reload may have swapped in a generation while this one started: never orphan it.
        if (old && old !== proc) this.drain(old);
        if (kind === 'probe') this.policy.reset();
      }
      this.nextRetryAt = undefined;
      this.setState('ready');
      this.actions.pump(this.current);
      return true;
    } catch (error) {
      if (this.stopped) return false; // killed by stop(): not a failure to report
      const message = errorMessage(error);
      this.hooks.emit('start_failed', { plugin: this.name, generation: proc.generation, error: message });
      this.hooks.logger.error({ plugin: this.name, generation: proc.generation, stderr: proc.stderrTail(10) }, `plugin failed to start: ${message}`);
      if (kind === 'reload') {
        this.lastReloadError = message;
        this.hooks.emit('reload_failed', { plugin: this.name, generation: proc.generation, error: message });
        if (this.current) this.setState('ready');
        return false;
      }
      this.lastError = message;
      if (!this.stopped) this.afterCrash(proc.lastExit, kind);
      return false;
    }
  }

  private async reloadOnce(): Promise<void> {
    if (!this.current || this.current.state !== 'ready') {
      // Nothing healthy to keep serving: a reload is a fresh start (the fix for a crash loop).
      this.clearRetry();
      if (this.starting) await this.starting.catch(() => undefined);
      if (this.current?.state === 'ready' || this.stopped) return this.reloadOnce();
      this.policy.reset();
      const began = Date.now();
      if (await this.launch('probe')) {
        this.reloads += 1;
        this.lastReloadError = undefined;
        this.hooks.emit('reload', { plugin: this.name, fromGeneration: undefined, toGeneration: this.current?.generation ?? this.generation, durationMs: Date.now() - began });
      } else if (!this.stopped) {
        this.lastReloadError = this.lastError;
        this.hooks.emit('reload_failed', { plugin: this.name, generation: this.generation, error: this.lastError ?? 'failed to start' });
      }
      return;
    }
    this.setState('reloading');
    await this.launch('reload');
  }

  private newProcess(): PluginProcess {
    const generation = ++this.generation;
    const proc = new PluginProcess(
      this.options,
      generation,
      { username: this.hooks.username, trace: this.hooks.traceLevel(this.name) },
      {
        onSpawn: (p) => this.hooks.emit('spawn', { plugin: this.name, generation: p.generation, pid: p.pid }),
        onStderr: (line, p) => this.hooks.emit('stderr', { plugin: this.name, generation: p.generation, pid: p.pid, line }),
        onLog: (params, p) => this.hooks.emit('log', { plugin: this.name, generation: p.generation, pid: p.pid, ...params }),
        onExit: (exit, p) => this.onProcessExit(exit, p),
      },
    );
    // The listener needs the process (pid, generation), so it is attached after construction.
    proc.setFrameListener(this.hooks.frameListener(this.name, proc));
    this.actions.track(proc);
    return proc;
  }

  // --- crashes and restarts --------------------------------------------------

  private onProcessExit(exit: ExitInfo, proc: PluginProcess): void {
    this.actions.untrack(proc);
    this.draining.delete(proc);
    const lastFrames = this.hooks.lastFrames(this.name);
    this.hooks.emit('exit', { plugin: this.name, ...exit, ...(lastFrames ? { lastFrames } : {}) });
    if (exit.expected || exit.reason === 'start-failed') return;
    this.hooks.logger.error(
      { plugin: this.name, pid: exit.pid, generation: exit.generation, code: exit.code, signal: exit.signal, uptimeMs: exit.uptimeMs, reason: exit.reason, detail: exit.detail, stderr: exit.stderrTail.slice(-20), lastFrames },
      `plugin ${this.name} (pid ${exit.pid ?? '?'}) exited unexpectedly: ${describeExit(exit)}${exit.reason === 'exited' ? '' : `, ${exit.reason}`}${exit.detail ? ` (${exit.detail})` : ''}`,
    );
    if (proc !== this.current) return;
    this.current = undefined;
    this.lastExit = exit;
    this.lastError = exit.detail ?? `exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})`;
    if (!this.stopped) this.afterCrash(exit, 'restart');
  }

  private afterCrash(exit: ExitInfo | undefined, kind: StartKind): void {
    if (exit) this.lastExit = exit;
    if (kind === 'probe') {
      this.fail(`the probe start failed: ${this.lastError ?? ''}`, this.options.restart.failedRetryMs);
      return;
    }
    const decision = this.policy.onExit({ at: exit?.at ?? Date.now(), uptimeMs: exit?.uptimeMs ?? 0, clean: exit?.code === 0 && !exit.signal });
    switch (decision.kind) {
      case 'restart': {
        this.restarts += 1;
        const at = Date.now() + decision.delayMs;
        this.nextRetryAt = at;
        this.setState('restarting');
        this.hooks.emit('restart', { plugin: this.name, attempt: decision.attempt, delayMs: decision.delayMs, at });
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          void this.launch('restart');
        }, decision.delayMs);
        return;
      }
      case 'fail':
        this.fail(decision.reason, decision.retryInMs);
        return;
      case 'stay-stopped':
        this.lastError = `${this.lastError ?? 'exited'}; not restarted: ${decision.reason}`;
        this.setState('stopped');
        this.actions.failQueued(`it exited and is not restarted (${decision.reason})`);
        return;
    }
  }

  private fail(reason: string, retryInMs: number): void {
    const retryAt = Date.now() + retryInMs;
    this.nextRetryAt = retryAt;
    this.lastError = `${reason}${this.lastError && !reason.includes(this.lastError) ? `; last error: ${this.lastError}` : ''}`;
    this.setState('failed');
    this.hooks.emit('failed', { plugin: this.name, reason: this.lastError, retryAt });
    this.actions.failQueued(`it has failed: ${this.lastError}. ${this.retryText()}`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.launch('probe');
    }, retryInMs);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private retryText(): string {
    return this.nextRetryAt ? `It will be tried again at ${new Date(this.nextRetryAt).toISOString()}.` : '';
  }

  // --- actions ---------------------------------------------------------------

  private unavailable(action: Action, why: string): Observation {
    return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, `Plugin ${this.name} cannot run "${action.action}": ${why}`);
  }

  // --- generations -----------------------------------------------------------

  /** The old generation finishes what it has in flight (bounded by action deadlines), then stops. */
  private drain(old: PluginProcess): void {
    this.draining.add(old);
    if (this.actions.inFlight(old) === 0) void old.stop();
  }

  private setState(state: PluginState): void {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.hooks.emit('state', { plugin: this.name, state, previous, generation: this.generation });
  }
}
