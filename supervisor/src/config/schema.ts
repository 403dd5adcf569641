import { z } from 'zod';
import { IdempotentRuleSchema, TraceLevelSchema } from '@plugd/protocol';

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

const pluginName = z.string().min(1);

export const WhenConfigSchema = z
  .strictObject({
    command: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    env: z.string().min(1).optional(),
  })
  .refine((w) => w.command !== undefined || w.path !== undefined || w.env !== undefined, 'give "command", "path" or "env", e.g. {"command": "python3"}');

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
  maxQueued: z.number().int().min(0, 'maxQueued is how many actions may wait for this plugin; 0 or more, e.g. 1000').max(1_000_000, 'maxQueued is at most 1000000, e.g. 1000').optional(),
  enabled: z.boolean().optional(),
  start: z.enum(['eager', 'lazy'], { error: 'start is "eager" (with plugd) or "lazy" (on its first action)' }).optional(),
  idleStopMs: ms('idleStopMs').optional(),
  when: WhenConfigSchema.optional(),
  dependsOn: z.array(pluginName).optional(),
  restartWith: z.boolean().optional(),
  calls: z.array(z.string().min(1)).optional(),
  idempotent: z.strictObject({ add: z.array(IdempotentRuleSchema).optional(), remove: z.array(z.string().min(1)).optional() }).optional(),
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
    })
    .optional(),
  routes: z.record(z.string(), z.union([pluginName, z.array(pluginName).min(1, 'a fallback list names at least one plugin, e.g. ["shell", "shell-lite"]')])).optional(),
  maxCallDepth: z.number().int().min(1).max(32).optional(),
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
