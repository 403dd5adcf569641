import type { ExitReason } from '../process/exit-info.js';
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
}
