import type { TraceLevel } from '@plugd/protocol';

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
  /** What the plugin speaks: plugd's protocol (Content-Length frames) or MCP (a stdio MCP server). */
  readonly protocol: 'plugd' | 'mcp';
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
  readonly routes: Readonly<Record<string, string>>;
  readonly redact: readonly string[];
  readonly watchDebounceMs: number;
  readonly plugins: readonly PluginOptions[];
}
