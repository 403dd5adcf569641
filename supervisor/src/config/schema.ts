import { z } from 'zod';
import { TraceLevelSchema } from '@plugd/protocol';

const ms = (what: string) => z.number({ error: `${what} must be a number of milliseconds` }).int().nonnegative();

export const RestartConfigSchema = z.strictObject({
  mode: z.enum(['always', 'on-failure', 'never']).optional(),
  initialDelayMs: ms('initialDelayMs').optional(),
  factor: z.number().min(1).optional(),
  maxDelayMs: ms('maxDelayMs').optional(),
  jitter: z.number().min(0).max(1).optional(),
  minUptimeMs: ms('minUptimeMs').optional(),
  maxRestarts: z.number().int().nonnegative().optional(),
  windowMs: ms('windowMs').optional(),
  failedRetryMs: ms('failedRetryMs').optional(),
});

export const TimeoutsConfigSchema = z.strictObject({
  initMs: ms('initMs').min(1).optional(),
  actionMs: ms('actionMs').min(1).optional(),
  shutdownMs: ms('shutdownMs').optional(),
  cancelGraceMs: ms('cancelGraceMs').optional(),
  pingIntervalMs: ms('pingIntervalMs').min(1).optional(),
  pingMisses: z.number().int().min(1).optional(),
});

export const TraceConfigSchema = z.union([
  TraceLevelSchema,
  z.strictObject({
    level: TraceLevelSchema.optional(),
    file: z.string().min(1).optional(),
    maxBytes: z.number().int().min(1024).optional(),
    maxFiles: z.number().int().min(1).optional(),
  }),
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

export const PluginConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a plugin name is letters, digits, "-" and "_", e.g. "my-tool"'),
  command: z.array(z.string().min(1)).min(1, 'command is [executable, ...args], e.g. ["node", "./dist/index.js"]').optional(),
  cwd: z.string().optional(),
  actions: z.array(z.string().min(1)).optional(),
  env: z.record(z.string(), z.string()).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  watch: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
  restart: RestartConfigSchema.optional(),
  timeouts: TimeoutsConfigSchema.optional(),
  trace: TraceConfigSchema.optional(),
  maxFrameBytes: z.number().int().min(1024).optional(),
  enabled: z.boolean().optional(),
  user: userOrId('user').optional(),
  group: userOrId('group').optional(),
  permissions: PermissionsConfigSchema.optional(),
  sha256: z.union([sha256Hex, z.record(z.string().min(1), sha256Hex)]).optional(),
});

export const PlugdConfigFileSchema = z.strictObject({
  $schema: z.string().optional(),
  username: z.string().min(1).optional(),
  trace: TraceConfigSchema.optional(),
  traceDir: z.string().optional(),
  redact: z.array(z.string().min(1)).optional(),
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
      apiKey: z.string().min(1).optional(),
      maxBodyBytes: z.number().int().min(1024).optional(),
      allowedOrigins: z
        .array(z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+\/?$/i, 'an origin is scheme://host[:port] with no path, e.g. "http://localhost:3000"'))
        .optional(),
      allowedHosts: z.array(z.string().regex(/^[^/\s]+$/, 'a host is a name or address as in the Host header, e.g. "plugd.internal" or "10.0.0.5"; "*" accepts any')).optional(),
      allowRemoteWithoutKey: z.boolean().optional(),
    })
    .optional(),
  routes: z.record(z.string(), z.string()).optional(),
  defaults: z
    .strictObject({ restart: RestartConfigSchema.optional(), timeouts: TimeoutsConfigSchema.optional() })
    .optional(),
  watchDebounceMs: ms('watchDebounceMs').optional(),
  plugins: z.array(PluginConfigSchema),
});

export type PlugdConfigFile = z.infer<typeof PlugdConfigFileSchema>;
export type PluginConfigFile = z.infer<typeof PluginConfigSchema>;
export type RestartConfigFile = z.infer<typeof RestartConfigSchema>;
export type TimeoutsConfigFile = z.infer<typeof TimeoutsConfigSchema>;
export type TraceConfigFile = z.infer<typeof TraceConfigSchema>;
