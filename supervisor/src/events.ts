import type { LogLevel } from '@plugd/protocol';
import type { ExitInfo } from './process/exit-info.js';
import type { PluginState } from './plugin/plugin-state.js';

export interface StateEvent {
  readonly plugin: string;
  readonly state: PluginState;
  readonly previous: PluginState;
  readonly generation: number;
}
export interface SpawnEvent {
  readonly plugin: string;
  readonly generation: number;
  readonly pid: number | undefined;
}
export interface ReadyEvent {
  readonly plugin: string;
  readonly generation: number;
  readonly pid: number | undefined;
  readonly version: string;
  readonly actions: readonly string[];
  /** Spawn to initialize answered. */
  readonly startMs: number;
}
export interface ExitEvent extends ExitInfo {
  readonly plugin: string;
  /** The last few frames of the plugin's trace, when tracing was on. */
  readonly lastFrames?: readonly unknown[];
}
export interface RestartEvent {
  readonly plugin: string;
  readonly attempt: number;
  readonly delayMs: number;
  /** `Date.now()` when the restart will start. */
  readonly at: number;
}
export interface FailedEvent {
  readonly plugin: string;
  readonly reason: string;
  readonly retryAt: number | undefined;
}
export interface StartFailedEvent {
  readonly plugin: string;
  readonly generation: number;
  readonly error: string;
}
export interface ReloadEvent {
  readonly plugin: string;
  readonly fromGeneration: number | undefined;
  readonly toGeneration: number;
  readonly durationMs: number;
}
export interface ReloadFailedEvent {
  readonly plugin: string;
  readonly generation: number;
  readonly error: string;
}
export interface ActionEvent {
  readonly plugin: string;
  readonly type: string;
  readonly generation: number | undefined;
  readonly durationMs: number;
  /** `ok` for a non-error Observation, else its error_id. */
  readonly outcome: string;
}
export interface StderrEvent {
  readonly plugin: string;
  readonly generation: number;
  readonly pid: number | undefined;
  readonly line: string;
}
export interface PluginLogEvent {
  readonly plugin: string;
  readonly generation: number;
  readonly pid: number | undefined;
  readonly level: LogLevel;
  readonly message: string;
  readonly data?: unknown;
}

/** An action served by a fallback because the plugin before it in the route was not serving. */
export interface FallbackEvent {
  readonly type: string;
  /** The plugin that served it. */
  readonly plugin: string;
  /** The route's first plugin, and its state then. */
  readonly primary: string;
  readonly primaryState: string;
}
/** An idempotent action run once more after its plugin crashed under it. */
export interface RetryEvent {
  readonly type: string;
  /** The plugin it crashed in. */
  readonly plugin: string;
  readonly reason: string;
}
/** A plugin-to-plugin call (plugd/execute), answered or refused. */
export interface CallEvent {
  /** The calling plugin. */
  readonly plugin: string;
  readonly requestId: number | string;
  readonly depth: number;
  readonly type: string;
  /** `ok`, the error_id of the Observation, or CALL_REFUSED. */
  readonly outcome: string;
}
/** A config reload applied (or refused: `error`, nothing changed). */
export interface ConfigReloadEvent {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
  /** Changed plugins whose new instance did not start (the previous one keeps serving), with why. */
  readonly notApplied: readonly { readonly plugin: string; readonly error: string }[];
  /** The new config was refused (nothing changed), with why. */
  readonly error?: string;
}

/** Every event a Supervisor emits, with its payload. */
export interface SupervisorEvents {
  state: [StateEvent];
  spawn: [SpawnEvent];
  ready: [ReadyEvent];
  start_failed: [StartFailedEvent];
  exit: [ExitEvent];
  restart: [RestartEvent];
  failed: [FailedEvent];
  reload: [ReloadEvent];
  reload_failed: [ReloadFailedEvent];
  action: [ActionEvent];
  stderr: [StderrEvent];
  log: [PluginLogEvent];
  fallback: [FallbackEvent];
  retry: [RetryEvent];
  call: [CallEvent];
  config_reload: [ConfigReloadEvent];
}

export type SupervisorEventName = keyof SupervisorEvents;
