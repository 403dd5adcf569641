import type { Action, Caller, Observation } from '@plugd/protocol';
import type { PluginProcess } from '../process/plugin-process.js';
import type { ActionProgress } from '../process/protocol-session.js';
import type { SessionState } from '../routing/session-state.js';

/** One accepted action on its way to exactly one Observation. */
export interface Job {
  readonly action: Action;
  readonly acceptedAt: number;
  readonly deadline: number;
  /** The deadline on the monotonic clock (performance.now()), for the plugin's DeadlineWheel. */
  readonly dueAt: number;
  /** Shared session state, read when the action is sent (a queued action sees a later `cd`). */
  readonly session?: SessionState;
  phase: 'queued' | 'running' | 'done';
  proc?: PluginProcess;
  rpcId?: number;
  /** The plugin's own request is still pending (even after the job was answered). */
  rpcPending: boolean;
  graceTimer?: NodeJS.Timeout;
  /** Set when another plugin asked for this action (plugd/execute). */
  readonly caller?: Caller;
  /** Aborted when this job is answered: the plugin-to-plugin calls made within it end too. */
  calls?: AbortController;
  /** Progress of the running action, for the client that asked for it. */
  readonly onProgress?: (progress: ActionProgress) => void;
  /** Detaches the job from its caller's cancel signal (set while one is attached). */
  unlink?: () => void;
  resolve(observation: Observation): void;
}
