import type { TraceLevel } from '@plugd/protocol';
import type { NodePermissionOptions } from '../security/node-permissions.js';
import type { RunAs } from '../security/run-as.js';

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
  readonly builtin: boolean;
  /** Action types routed to this plugin before it has answered `initialize` (config `actions`, or a built-in's). */
  readonly declaredActions: readonly string[];
  /** The plugin's own file (a built-in's bundle, the script given to an interpreter), when known. */
  readonly entry?: string;
  /** Run as this user (config `user`/`group`, or `username` for the shell, files and python built-ins under root). */
  readonly runAs?: RunAs;
  /** Node's permission model flags (config `permissions`). */
  readonly nodePermissions?: NodePermissionOptions;
  /** Absolute path -> pinned sha256 (hex); checked before every spawn. Empty: no pins. */
  readonly sha256: Readonly<Record<string, string>>;
}

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly apiKey?: string;
  readonly maxBodyBytes: number;
  /** Browser origins allowed to call plugd; any other Origin header is refused (403). */
  readonly allowedOrigins: readonly string[];
  /** Host header names accepted besides loopback ones (DNS rebinding guard). */
  readonly allowedHosts: readonly string[];
  /** The explicit opt-out: serve a non-loopback address without an API key. */
  readonly allowRemoteWithoutKey: boolean;
}

export interface SupervisorConfig {
  /** Where the config came from, for messages ("plugd.json", "embedded default"). */
  readonly source: string;
  readonly baseDir: string;
  readonly username: string;
  readonly server: ServerOptions;
  readonly routes: Readonly<Record<string, string>>;
  readonly redact: readonly string[];
  readonly watchDebounceMs: number;
  readonly plugins: readonly PluginOptions[];
}
