import type { z } from 'zod';
import type {
  IdempotentOptionsSchema,
  RestartOptionsSchema,
  ServerOptionsSchema,
  StartModeSchema,
  TimeoutOptionsSchema,
  TraceOptionsSchema,
  WhenConfigSchema,
} from './schema.js';
import type { NodePermissionOptions } from '../security/node-permissions.js';
import type { RunAs } from '../security/run-as.js';

/** Normalised options: the group types come from the zod schema (schema.ts), never listed twice. */

export type RestartOptions = Readonly<z.output<typeof RestartOptionsSchema>>;
export type RestartMode = RestartOptions['mode'];
export type TimeoutOptions = Readonly<z.output<typeof TimeoutOptionsSchema>>;
/** `file`, when set, is the absolute path of the plugin's trace file (JSON lines). */
export type TraceOptions = Readonly<z.output<typeof TraceOptionsSchema>>;
export type ServerOptions = Readonly<z.output<typeof ServerOptionsSchema>>;
/** Environment conditions of a plugin; `path` is absolute. */
export type WhenOptions = Readonly<z.output<typeof WhenConfigSchema>>;
export type StartMode = z.output<typeof StartModeSchema>;
export type IdempotentOptions = Readonly<z.output<typeof IdempotentOptionsSchema>>;

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
  /** plugd protocol: switch to newline-delimited JSON when the plugin offers it (`auto`, the default), or keep Content-Length. */
  readonly framing?: 'auto' | 'content-length';
  /** Actions that may wait in this plugin's queue; beyond it an action is answered PLUGIN_UNAVAILABLE at once. */
  readonly maxQueued: number;
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
  /** Absent means none (parseConfig always sets it). */
  readonly limits?: LimitOptions;
  /** eager: started with plugd; lazy: on its first action. */
  readonly start: StartMode;
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
  readonly idempotent: IdempotentOptions;
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
  /** DEFAULT_CONTAINMENT when absent (parseConfig always sets it). */
  readonly containment?: ContainmentOptions;
}
