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

/** Per-plugin resource limits (`limits`); hard ones need cgroups, memoryRestartMiB does not. */
export interface LimitOptions {
  readonly memoryMiB?: number;
  readonly pids?: number;
  /** Percent of one CPU: 50 is half a core, 200 two cores. */
  readonly cpuPercent?: number;
  /** Soft limit: plugd restarts a plugin whose tree stays above it (PM2's max_memory_restart). */
  readonly memoryRestartMiB?: number;
}

export type ContainmentMode = 'auto' | 'cgroup' | 'process-group';

export interface ContainmentOptions {
  /** auto: cgroups when usable, else process groups; cgroup: required; process-group: never cgroups. */
  readonly mode: ContainmentMode;
  /** The folder under plugd's own cgroup (in each hierarchy) that holds plugd's cgroups. */
  readonly cgroupName: string;
  /** How often memory is sampled for memoryRestartMiB. */
  readonly sampleIntervalMs: number;
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
  /** Absent means none (parseConfig always sets it). */
  readonly limits?: LimitOptions;
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
  /** DEFAULT_CONTAINMENT when absent (parseConfig always sets it). */
  readonly containment?: ContainmentOptions;
}
