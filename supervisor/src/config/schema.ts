import * as z from 'zod';
import { IdempotentRuleSchema, MAX_TIMER_MS, TraceLevelSchema } from '@plugd/protocol';

/**
 * Each option group is defined once here. The `...OptionsSchema` objects list every
 * field as required: their output types are the normalised option types (types.ts).
 * The config file takes any subset of them (`.partial()`); defaults.ts fills the rest.
 */

/** Milliseconds, bounded: Node's timers fire at once past 2^31-1 ms (~24.8 days). */
const ms = (what: string, min = 0) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int({ error: `${what} must be a whole number of milliseconds` })
    .min(min, { error: (iss) => `${what} is ${String(iss.input)} ms; it must be at least ${min} ms` })
    .max(MAX_TIMER_MS, {
      error: (iss) => `${what} is ${String(iss.input)} ms, over the maximum of ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node timer can wait)`,
    });

export const RestartOptionsSchema = z.strictObject({
  mode: z.enum(['always', 'on-failure', 'never']),
  initialDelayMs: ms('initialDelayMs'),
  factor: z.number().min(1),
  maxDelayMs: ms('maxDelayMs'),
  /** 0..1: each delay is randomly shortened by up to this fraction. */
  jitter: z.number().min(0).max(1),
  /** Staying up this long counts as healthy: the backoff starts over. */
  minUptimeMs: ms('minUptimeMs'),
  maxRestarts: z.number().int().nonnegative(),
  windowMs: ms('windowMs'),
  failedRetryMs: ms('failedRetryMs'),
});
export const RestartConfigSchema = RestartOptionsSchema.partial();

export const TimeoutOptionsSchema = z.strictObject({
  initMs: ms('initMs', 1),
  actionMs: ms('actionMs', 1),
  shutdownMs: ms('shutdownMs'),
  cancelGraceMs: ms('cancelGraceMs'),
  pingIntervalMs: ms('pingIntervalMs', 1),
  pingMisses: z.number().int().min(1),
});
export const TimeoutsConfigSchema = TimeoutOptionsSchema.partial();

export const ServerOptionsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  apiKey: z.string().min(1).optional(),
  maxBodyBytes: z.number().int().min(1024),
  /** Browser origins allowed to call plugd; any other Origin header is refused (403). */
  allowedOrigins: z.array(
    z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+\/?$/i, 'an origin is scheme://host[:port] with no path, e.g. "http://localhost:3000"'),
  ),
  /** Host header names accepted besides loopback ones (DNS rebinding guard). */
  allowedHosts: z.array(z.string().regex(/^[^/\s]+$/, 'a host is a name or address as in the Host header, e.g. "plugd.internal" or "10.0.0.5"; "*" accepts any')),
  /** The explicit opt-out: serve a non-loopback address without an API key. */
  allowRemoteWithoutKey: z.boolean(),
  /** Largest file POST /upload_file takes (and a zip may expand to). */
  maxUploadBytes: z.number().int().min(1024),
});
export const ServerConfigSchema = ServerOptionsSchema.partial();

/** The object form of a trace setting; `file` is resolved to an absolute path when normalised. */
export const TraceOptionsSchema = z.strictObject({
  level: TraceLevelSchema,
  file: z.string().min(1).optional(),
  maxBytes: z.number().int().min(1024),
  maxFiles: z.number().int().min(1),
});

export const LimitsConfigSchema = z.strictObject({
  memoryMiB: z.number().int().min(16, 'memoryMiB below 16 MiB leaves no room for a plugin runtime').optional(),
  pids: z.number().int().min(2, 'pids counts the plugin and everything it starts: at least 2').optional(),
  cpuPercent: z.number().min(1).max(100_000).optional(),
  memoryRestartMiB: z.number().int().min(1).optional(),
});

export const ContainmentConfigSchema = z.union([
  z.enum(['auto', 'cgroup', 'process-group']),
  z.strictObject({
    mode: z.enum(['auto', 'cgroup', 'process-group']).optional(),
    cgroupName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'cgroupName is one folder name: letters, digits, ".", "_" and "-"').optional(),
    sampleIntervalMs: ms('sampleIntervalMs').min(50).optional(),
  }),
]);

export const TraceConfigSchema = z.union([
  TraceLevelSchema,
  TraceOptionsSchema.partial(),
]);

const userOrId = (what: 'user' | 'group') =>
  z.union([z.string().min(1), z.number().int().nonnegative()], { error: `${what} is a name or a numeric id, e.g. "nobody" or 65534` });
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/i, 'a sha256 is 64 hex digits (sha256sum FILE prints it)');

export const PermissionsConfigSchema = z.strictObject({
  fsRead: z.array(z.string().min(1)).optional(),
  fsWrite: z.array(z.string().min(1)).optional(),
  childProcess: z.boolean().optional(),
  worker: z.boolean().optional(),
});

const pluginName = z.string().min(1);

/** Environment conditions (all must hold); `path` is resolved to an absolute path when normalised. */
export const WhenConfigSchema = z
  .strictObject({
    /** A program that must be on PATH. */
    command: z.string().min(1).optional(),
    /** A path that must exist. */
    path: z.string().min(1).optional(),
    /** An environment variable that must be set (non-empty). */
    env: z.string().min(1).optional(),
  })
  .refine((w) => w.command !== undefined || w.path !== undefined || w.env !== undefined, 'give "command", "path" or "env", e.g. {"command": "python3"}');

/** eager: started with plugd; lazy: on its first action. */
export const StartModeSchema = z.enum(['eager', 'lazy'], { error: 'start is "eager" (with plugd) or "lazy" (on its first action)' });

/** Config changes to a plugin's own idempotency declaration. */
export const IdempotentOptionsSchema = z.strictObject({ add: z.array(IdempotentRuleSchema), remove: z.array(z.string().min(1)) });
export const IdempotentConfigSchema = IdempotentOptionsSchema.partial();

export const PluginConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a plugin name is letters, digits, "-" and "_", e.g. "my-tool"'),
  command: z.array(z.string().min(1)).min(1, 'command is [executable, ...args], e.g. ["node", "./dist/index.js"]').optional(),
  /** An installed plugin package to run (default for a name that is not a built-in: plugd-plugin-<name>). */
  package: z.string().min(1).optional(),
  cwd: z.string().optional(),
  protocol: z.enum(['plugd', 'mcp'], { error: 'protocol is "plugd" (plugd\'s own, the default) or "mcp" (a stdio MCP server)' }).optional(),
  actions: z.array(z.string().min(1)).optional(),
  env: z.record(z.string(), z.string()).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  watch: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
  restart: RestartConfigSchema.optional(),
  timeouts: TimeoutsConfigSchema.optional(),
  trace: TraceConfigSchema.optional(),
  maxFrameBytes: z.number().int().min(1024).optional(),
  /** "content-length" keeps Content-Length frames after the handshake even when the plugin offers newline-delimited JSON (e.g. to read a trace with older tools). */
  framing: z.enum(['auto', 'content-length'], { error: 'framing is "auto" (newline-delimited JSON when the plugin offers it, the default) or "content-length" (keep Content-Length frames)' }).optional(),
  maxQueued: z.number().int().min(0, 'maxQueued is how many actions may wait for this plugin; 0 or more, e.g. 1000').max(1_000_000, 'maxQueued is at most 1000000, e.g. 1000').optional(),
  limits: LimitsConfigSchema.optional(),
  enabled: z.boolean().optional(),
  user: userOrId('user').optional(),
  group: userOrId('group').optional(),
  permissions: PermissionsConfigSchema.optional(),
  sha256: z.union([sha256Hex, z.record(z.string().min(1), sha256Hex)]).optional(),
  start: StartModeSchema.optional(),
  idleStopMs: ms('idleStopMs').optional(),
  when: WhenConfigSchema.optional(),
  dependsOn: z.array(pluginName).optional(),
  restartWith: z.boolean().optional(),
  calls: z.array(z.string().min(1)).optional(),
  idempotent: IdempotentConfigSchema.optional(),
});

export const PlugdConfigFileSchema = z.strictObject({
  $schema: z.string().optional(),
  username: z.string().min(1).optional(),
  trace: TraceConfigSchema.optional(),
  traceDir: z.string().optional(),
  redact: z.array(z.string().min(1)).optional(),
  server: ServerConfigSchema.optional(),
  routes: z.record(z.string(), z.union([pluginName, z.array(pluginName).min(1, 'a fallback list names at least one plugin, e.g. ["shell", "shell-lite"]')])).optional(),
  maxCallDepth: z.number().int().min(1).max(32).optional(),
  defaults: z
    .strictObject({ restart: RestartConfigSchema.optional(), timeouts: TimeoutsConfigSchema.optional(), limits: LimitsConfigSchema.optional() })
    .optional(),
  watchDebounceMs: ms('watchDebounceMs').optional(),
  containment: ContainmentConfigSchema.optional(),
  plugins: z.array(PluginConfigSchema),
});

export type PlugdConfigFile = z.infer<typeof PlugdConfigFileSchema>;
export type PluginConfigFile = z.infer<typeof PluginConfigSchema>;
export type RestartConfigFile = z.infer<typeof RestartConfigSchema>;
export type TimeoutsConfigFile = z.infer<typeof TimeoutsConfigSchema>;
export type TraceConfigFile = z.infer<typeof TraceConfigSchema>;
export type LimitsConfigFile = z.infer<typeof LimitsConfigSchema>;
