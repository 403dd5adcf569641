import type { IdempotentRule } from '@plugd/protocol';
import type { ExitInfo, ExitReason } from '../process/exit-info.js';
import type { PluginProcess } from '../process/plugin-process.js';
import type { ActionQueue } from './action-queue.js';
import type { PluginState } from './plugin-state.js';
import type { LimitOptions } from '../config/types.js';
import type { ResourceUsage } from '../containment/guard.js';

/** One plugin as `GET /plugins` and `Supervisor.plugins()` show it. */
export interface PluginStatus {
  readonly name: string;
  readonly state: PluginState;
  readonly pid: number | undefined;
  readonly generation: number;
  readonly version: string | undefined;
  readonly actions: readonly string[];
  readonly restarts: number;
  readonly reloads: number;
  readonly actionsHandled: number;
  readonly actionErrors: number;
  readonly latencyP50Ms: number | undefined;
  readonly latencyP99Ms: number | undefined;
  /** Actions in flight on every generation (the serving one and any draining). */
  readonly inFlight: number;
  readonly queued: number;
  readonly uptimeMs: number | undefined;
  readonly lastExit: { code: number | null; signal: string | null; at: string; reason: ExitReason } | undefined;
  readonly lastError: string | undefined;
  readonly lastReloadError: string | undefined;
  readonly nextRetryAt: string | undefined;
  readonly watch: readonly string[];
  /** The serving generation's whole tree (or cgroup): memory, CPU seconds, process count. */
  readonly resources: ResourceUsage | undefined;
  readonly limits: LimitOptions;
  /** MCP servers only: the tools it lists (of the last generation that served). */
  readonly tools?: readonly string[];
  /** Why it is disabled (its `when` condition) or waiting (its dependencies). */
  readonly reason?: string;
  /** "lazy" when it starts on its first action. */
  readonly start?: 'lazy';
  /** Actions it served standing in for the route's first plugin (fallback). */
  readonly servedAsFallback?: number;
  /** Idempotent actions run once more after crashing in it. */
  readonly retried?: number;
  /** The actions it may be asked to run again after a crash: its declaration with the config's changes. */
  readonly idempotent?: readonly IdempotentRule[];
}

/** What a status is built from. */
export interface StatusFacts {
  readonly name: string;
  readonly state: PluginState;
  readonly current: PluginProcess | undefined;
  readonly latestGeneration: number;
  readonly version: string | undefined;
  readonly actionTypes: readonly string[];
  readonly restarts: number;
  readonly reloads: number;
  readonly actions: ActionQueue;
  readonly lastExit: ExitInfo | undefined;
  readonly lastError: string | undefined;
  readonly lastReloadError: string | undefined;
  readonly nextRetryAt: number | undefined;
  readonly watch: readonly string[];
  readonly resources: ResourceUsage | undefined;
  readonly limits: LimitOptions;
}

export function buildStatus(f: StatusFacts): PluginStatus {
  const proc = f.current;
  return {
    name: f.name,
    state: f.state,
    pid: proc?.state === 'exited' ? undefined : proc?.pid,
    // The generation that serves; a reload that failed does not count.
    generation: proc?.generation ?? f.latestGeneration,
    version: f.version,
    actions: f.actionTypes,
    restarts: f.restarts,
    reloads: f.reloads,
    actionsHandled: f.actions.handled,
    actionErrors: f.actions.errors,
    latencyP50Ms: f.actions.percentile(50),
    latencyP99Ms: f.actions.percentile(99),
    inFlight: f.actions.inFlightTotal(),
    queued: f.actions.queued,
    uptimeMs: proc?.readyAt ? Date.now() - proc.startedAt : undefined,
    lastExit: f.lastExit ? { code: f.lastExit.code, signal: f.lastExit.signal, at: new Date(f.lastExit.at).toISOString(), reason: f.lastExit.reason } : undefined,
    lastError: f.lastError,
    lastReloadError: f.lastReloadError,
    nextRetryAt: f.nextRetryAt ? new Date(f.nextRetryAt).toISOString() : undefined,
    watch: f.watch,
    resources: f.resources,
    limits: f.limits,
  };
}
