import type { IdempotentRule, TraceLevel } from '@plugd/protocol';

export type RestartMode = 'always' | 'on-failure' | 'never';

export interface RestartOptions {
  readonly mode: RestartMode;
  readonly initialDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** 0..1: each delay is randomly shortened by up to this fraction. */
  readonly jitter: number;
  /** Staying up this long counts as healthy: the backoff starts over. */
  readonly minUptimeMs: number;
  readonly maxRestarts: number;
  readonly windowMs: number;
  readonly failedRetryMs: number;
}

export interface TimeoutOptions {
  readonly initMs: number;
  readonly actionMs: number;
  readonly shutdownMs: number;
  readonly cancelGraceMs: number;
  readonly pingIntervalMs: number;
  readonly pingMisses: number;
}

export interface TraceOptions {
  readonly level: TraceLevel;
  /** Absolute path of the plugin's trace file (JSON lines), if one is written. */
  readonly file?: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
}

export interface PluginOptions {
  readonly name: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, unknown>>;
  /** Absolute paths to watch; empty when watching is off. */
  readonly watch: readonly string[];
  readonly restart: RestartOptions;
  readonly timeouts: TimeoutOptions;
  readonly trace: TraceOptions;
  readonly maxFrameBytes: number;
  /** Actions that may wait in this plugin's queue; beyond it an action is answered PLUGIN_UNAVAILABLE at once. */
  readonly maxQueued: number;
  readonly builtin: boolean;
  /** Action types routed to this plugin before it has answered `initialize` (config `actions`, or a built-in's). */
  readonly declaredActions: readonly string[];
  /** eager: started with plugd; lazy: on its first action. */
  readonly start: 'eager' | 'lazy';
  /** Stop after this long with no action (0: never). */
  readonly idleStopMs: number;
  /** Environment conditions; a false one leaves the plugin disabled. */
  readonly when: WhenOptions | undefined;
  /** Plugins that must be ready before this one starts (and stop after it). */
  readonly dependsOn: readonly string[];
  /** Restart this plugin when a dependency restarts (OTP rest_for_one). */
  readonly restartWith: boolean;
  /** Action types this plugin may run through `plugd/execute`. */
  readonly calls: readonly string[];
  /** Config changes to the plugin's own idempotency declaration. */
  readonly idempotent: { readonly add: readonly IdempotentRule[]; readonly remove: readonly string[] };
}

export interface WhenOptions {
  /** A program that must be on PATH. */
  readonly command?: string;
  /** An absolute path that must exist. */
  readonly path?: string;
  /** An environment variable that must be set (non-empty). */
  readonly env?: string;
}

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly apiKey?: string;
  readonly maxBodyBytes: number;
}

export interface SupervisorConfig {
  /** Where the config came from, for messages ("plugd.json", "embedded default"). */
  readonly source: string;
  readonly baseDir: string;
  readonly username: string;
  readonly server: ServerOptions;
  /** Action type -> the plugin that serves it first (the head of a fallback list). */
  readonly routes: Readonly<Record<string, string>>;
  /** Action type -> the plugins that stand in, in order, when the first is not serving. */
  readonly fallbacks: Readonly<Record<string, readonly string[]>>;
  /** Nesting limit of plugin-to-plugin calls. */
  readonly maxCallDepth: number;
  readonly redact: readonly string[];
  readonly watchDebounceMs: number;
  readonly plugins: readonly PluginOptions[];
}
