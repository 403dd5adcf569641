import { ErrorIds, errorObservation } from '@plugd/protocol';
import type { Action, Caller, Observation } from '@plugd/protocol';
import type { PluginProcess } from '../process/plugin-process.js';
import type { ActionProgress } from '../process/protocol-session.js';
import { checkObservation, failureObservation } from './failure-observation.js';
import type { Job } from './job.js';
import type { SessionState } from '../routing/session-state.js';
import { LatencyWindow } from './latency-window.js';
import { DeadlineWheel } from './deadline-wheel.js';

/** What an action carries besides its deadline. */
export interface SubmitOptions {
  /** Shared session state (the shell's cwd), read when the action is sent. */
  readonly session?: SessionState | undefined;
  /**
   * Abandons the action: its calling action ended first (plugd/execute), or the client
   * cancelled it (an MCP client's notifications/cancelled). Queued, it is dropped; running,
   * the plugin is sent its protocol's cancel.
   */
  readonly cancel?: AbortSignal | undefined;
  /** Set when another plugin asked for this action (plugd/execute). */
  readonly caller?: Caller | undefined;
  /** Receives the plugin's progress reports for the action (MCP servers send them). */
  readonly onProgress?: ((progress: ActionProgress) => void) | undefined;
}

export interface ActionQueueHost {
  readonly name: string;
  /** Actions that may wait; beyond it an action is refused at once. */
  readonly maxQueued: number;
  /** The generation new actions go to (never a draining one), if one serves. */
  current(): PluginProcess | undefined;
  /** Why nothing serves right now (starting, restarting), or undefined when a generation serves. */
  waitingFor(): string | undefined;
  /** Concurrency of the generation that serves, for messages. */
  concurrency(): number;
  unavailable(action: Action, why: string): Observation;
  /** `proc` has no action in flight any more. */
  onIdle(proc: PluginProcess): void;
  onSettled(job: Job, observation: Observation, outcome: string, durationMs: number): void;
}

/**
 * One plugin's accepted actions: a FIFO until a generation has a free slot (its
 * concurrency), a deadline each (one timer for all: DeadlineWheel), cancel then kill past cancelGraceMs, and
 * exactly one Observation per action whatever happens to the process.
 */
export class ActionQueue {
  private readonly queue: Job[] = [];
  private readonly running = new Map<PluginProcess, Set<Job>>();
  private readonly idleWaiters = new Map<PluginProcess, () => void>();
  private readonly latency = new LatencyWindow();
  private readonly deadlines = new DeadlineWheel<Job>((job) => this.onDeadline(job, this.host.waitingFor()));
  handled = 0;
  errors = 0;

  constructor(private readonly host: ActionQueueHost) {}

  get queued(): number {
    return this.queue.length;
  }

  /** Deadlines still armed (one per action not yet answered). */
  get pendingDeadlines(): number {
    return this.deadlines.size;
  }

  inFlight(proc: PluginProcess | undefined): number {
    return proc ? (this.running.get(proc)?.size ?? 0) : 0;
  }

  /** Actions in flight on every generation (the serving one and those draining). */
  inFlightTotal(): number {
    let total = 0;
    for (const active of this.running.values()) total += active.size;
    return total;
  }

  percentile(p: number): number | undefined {
    return this.latency.percentile(p);
  }

  /** A new generation can take actions from now on. */
  track(proc: PluginProcess): void {
    this.running.set(proc, new Set());
  }

  /** The generation exited; its in-flight actions are answered through their rejected requests. */
  untrack(proc: PluginProcess): void {
    this.running.delete(proc);
  }

  /** Queues one action until its absolute `deadline`; past `maxQueued` waiting it is answered PLUGIN_UNAVAILABLE at once. */
  enqueue(action: Action, acceptedAt: number, deadline: number, options: SubmitOptions = {}): Promise<Observation> {
    const { session, cancel, caller, onProgress } = options;
    const { maxQueued, name } = this.host;
    if (this.queue.length >= maxQueued) {
      return Promise.resolve(
        this.host.unavailable(
          action,
          `its queue is full (${this.queue.length} actions waiting, maxQueued ${maxQueued}); retry later, or raise "maxQueued" (or the concurrency) of plugin ${name} if such bursts are expected`,
        ),
      );
    }
    return new Promise<Observation>((resolve) => {
      // The wait is measured on the monotonic clock from now, as a setTimeout would.
      const dueAt = performance.now() + Math.max(0, deadline - Date.now());
      // Every field set, in one order: one object shape for all jobs, no spread temporaries.
      const job: Job = { action, acceptedAt, deadline, dueAt, session, caller, onProgress, phase: 'queued', proc: undefined, rpcId: undefined, rpcPending: false, graceTimer: undefined, calls: undefined, unlink: undefined, resolve };
      if (cancel?.aborted) {
        this.settle(job, this.cancelledObservation(job));
        return;
      }
      this.deadlines.add(job);
      this.queue.push(job);
      if (cancel) {
        const onAbort = (): void => this.abandon(job, this.cancelledObservation(job));
        cancel.addEventListener('abort', onAbort, { once: true });
        // Removed when the job settles: a long-lived signal must not collect listeners.
        job.unlink = () => cancel.removeEventListener('abort', onAbort);
      }
    });
  }

  /** The answer to an action its caller cancelled. */
  private cancelledObservation(job: Job): Observation {
    const { action, caller } = job;
    if (caller) return errorObservation(ErrorIds.ACTION_TIMEOUT, `Action "${action.action}" was cancelled: the action that asked for it (plugin ${caller.plugin}) ended first.`);
    const where = job.phase === 'running' ? `plugin ${this.host.name} was told to stop it` : `it had not started (it waited in plugin ${this.host.name}'s queue) and was dropped`;
    return errorObservation(ErrorIds.ACTION_CANCELLED, `Action "${action.action}" was cancelled by its client; ${where}.`);
  }

  /** Sends queued actions to the serving generation while it has free slots. */
  pump(): void {
    const proc = this.host.current();
    if (!proc || !proc.serving) return;
    const active = this.running.get(proc);
    if (!active) return;
    while (this.queue.length > 0 && active.size < proc.concurrency) this.dispatch(this.queue.shift()!, proc, active);
  }

  failQueued(why: string): void {
    for (const job of this.queue.splice(0)) this.settle(job, this.host.unavailable(job.action, why));
  }

  /** Resolves when `proc` has no action in flight, or after `maxMs`. */
  idle(proc: PluginProcess, maxMs: number): Promise<void> {
    if (this.inFlight(proc) === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.set(proc, done);
    });
  }

  private dispatch(job: Job, proc: PluginProcess, active: Set<Job>): void {
    job.phase = 'running';
    job.proc = proc;
    job.rpcPending = true;
    active.add(job);
    const { id, result } = proc.run(job.action, job.deadline - Date.now(), { session: job.session?.params(), caller: job.caller, onProgress: job.onProgress });
    job.rpcId = id;
    // One reaction per request (not then/finally: two more promises per action).
    result.then(
      (raw) => {
        try {
          this.settle(job, checkObservation(this.host.name, job.action.action, raw));
        } finally {
          this.finished(job, proc, active);
        }
      },
      (error: unknown) => {
        try {
          this.settle(job, failureObservation(this.host.name, job.action.action, error));
        } finally {
          this.finished(job, proc, active);
        }
      },
    );
  }

  /** The plugin's request for `job` ended (answered, failed, or its process exited). */
  private finished(job: Job, proc: PluginProcess, active: Set<Job>): void {
    job.rpcPending = false;
    if (job.graceTimer) clearTimeout(job.graceTimer);
    active.delete(job);
    if (active.size === 0) {
      this.idleWaiters.get(proc)?.();
      this.host.onIdle(proc);
    }
    // A freed slot on a draining generation is not reused: queued actions go to the current one.
    this.pump();
  }

  /** The job that generation `proc` runs as request `rpcId`, while it is not answered. */
  runningJob(proc: PluginProcess, rpcId: number): Job | undefined {
    for (const job of this.running.get(proc) ?? []) if (job.rpcId === rpcId && job.phase === 'running') return job;
    return undefined;
  }

  /** Answers `job` with `observation` now; a running one is cancelled (and killed past the grace). */
  private abandon(job: Job, observation: Observation): void {
    if (job.phase === 'done') return;
    if (job.phase === 'queued') {
      const index = this.queue.indexOf(job);
      if (index >= 0) this.queue.splice(index, 1);
      this.settle(job, observation);
      return;
    }
    this.settle(job, observation);
    this.cancelRunning(job, job.caller ? 'the action that asked for it ended' : 'its client cancelled it');
  }

  private onDeadline(job: Job, waitingFor: string | undefined): void {
    if (job.phase === 'done') return;
    const seconds = Math.round((job.deadline - job.acceptedAt) / 100) / 10;
    const { name } = this.host;
    if (job.phase === 'queued') {
      const index = this.queue.indexOf(job);
      if (index >= 0) this.queue.splice(index, 1);
      this.settle(
        job,
        waitingFor
          ? this.host.unavailable(job.action, `it did not become ready within the action's ${seconds} s timeout (${waitingFor})`)
          : errorObservation(ErrorIds.ACTION_TIMEOUT, `Action "${job.action.action}" timed out after ${seconds} s waiting in plugin ${name}'s queue (concurrency ${this.host.concurrency()}). Raise the action's timeout or the plugin's concurrency.`),
      );
      return;
    }
    this.settle(job, errorObservation(ErrorIds.ACTION_TIMEOUT, `Action "${job.action.action}" got no observation from plugin ${name} within ${seconds} s; it was cancelled. Raise "timeout" on the action if it needs longer.`));
    this.cancelRunning(job, 'the action timed out');
  }

  private cancelRunning(job: Job, reason: string): void {
    const proc = job.proc;
    if (!proc || job.rpcId === undefined) return;
    proc.cancel(job.rpcId, `cancelled by plugd: ${reason}`);
    const grace = proc.options.timeouts.cancelGraceMs;
    job.graceTimer = setTimeout(() => {
      if (job.rpcPending) proc.kill('cancel-ignored', `did not answer a cancelled "${job.action.action}" within ${grace} ms (timeouts.cancelGraceMs)`);
    }, grace);
  }

  private settle(job: Job, observation: Observation): void {
    if (job.phase === 'done') return;
    job.phase = 'done';
    this.deadlines.delete(job);
    if (job.unlink) {
      job.unlink();
      job.unlink = undefined;
    }
    job.calls?.abort();
    this.handled += 1;
    const outcome = observation.observation === 'error' ? String((observation.extras as { error_id?: unknown }).error_id ?? 'error') : 'ok';
    if (outcome !== 'ok') this.errors += 1;
    const durationMs = Date.now() - job.acceptedAt;
    this.latency.add(durationMs);
    this.host.onSettled(job, observation, outcome, durationMs);
    job.resolve(observation);
  }
}
