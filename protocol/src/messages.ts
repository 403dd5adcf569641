import * as z from 'zod';
import { ActionSchema } from './action.js';
import { ObservationSchema } from './observation.js';
import { CallerSchema, IdempotentRuleSchema } from './composition.js';
import { LogLevelSchema, TraceLevelSchema } from './trace-level.js';

export const InitializeParamsSchema = z.object({
  protocolVersion: z.literal(1),
  name: z.string(),
  username: z.string(),
  config: z.record(z.string(), z.unknown()),
  trace: TraceLevelSchema,
  /**
   * Largest frame body the supervisor accepts from this plugin (its `maxFrameBytes`). A
   * plugin must not send a bigger frame: the supervisor would kill it as a protocol
   * error. Absent from an older supervisor: assume DEFAULT_MAX_FRAME_BYTES.
   */
  maxFrameBytes: z.number().int().min(1024).optional(),
});
export type InitializeParams = z.infer<typeof InitializeParamsSchema>;

export const CapabilitiesSchema = z.looseObject({
  concurrency: z.number().int().min(1).optional(),
  progress: z.boolean().optional(),
});
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

/**
 * A wire framing: `content-length` (LSP-style `Content-Length: N\r\n\r\n` + body, what
 * every plugin speaks during the handshake) or `ndjson` (one JSON object per line).
 */
export const WireFramingSchema = z.enum(['ndjson', 'content-length']);
export type WireFraming = z.infer<typeof WireFramingSchema>;

export const InitializeResultSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string(),
  protocolVersion: z.literal(1),
  actions: z.array(z.string().min(1)),
  capabilities: CapabilitiesSchema.optional(),
  /** Action types (or type + argument values) safe to run twice: retried after a crash. */
  idempotent: z.array(IdempotentRuleSchema).optional(),
  /**
   * Framings this plugin can switch to after the handshake, in its order of preference,
   * e.g. `["ndjson", "content-length"]`. When it lists `ndjson` the supervisor says so in
   * `initialized` and both ends write newline-delimited JSON from then on. Absent (an
   * older plugin): Content-Length throughout. Unknown names are ignored.
   */
  framing: z.array(z.string()).optional(),
});
export type InitializeResult = z.infer<typeof InitializeResultSchema>;

/**
 * Params of `initialized` (sent in Content-Length framing). `framing: "ndjson"`: every
 * frame after this one, both ways, is one JSON object per line. The plugin reads the
 * bytes after this frame as lines, and writes lines from when it handles it; the
 * supervisor still understands Content-Length frames the plugin wrote before that.
 */
export const InitializedParamsSchema = z.looseObject({
  framing: WireFramingSchema.optional(),
});
export type InitializedParams = z.infer<typeof InitializedParamsSchema>;

export const EmptySchema = z.looseObject({});
export type Empty = z.infer<typeof EmptySchema>;

/**
 * `timeoutMs` is what is left of the action's deadline when the supervisor sends it,
 * so a plugin can stop a command itself and answer with partial output before the
 * supervisor gives up on it with ACTION_TIMEOUT.
 */
/**
 * Session state plugd carries between plugins: `cwd` is the shell's working directory as
 * its last `run` observation reported it (python cells and relative file paths follow it).
 */
export const RunSessionSchema = z.object({ cwd: z.string().optional() });
export type RunSession = z.infer<typeof RunSessionSchema>;
export const RunParamsSchema = z.object({
  action: ActionSchema,
  timeoutMs: z.number().nonnegative().optional(),
  session: RunSessionSchema.optional(),
  /** Set when another plugin asked for this action (`plugd/execute`). */
  caller: CallerSchema.optional(),
});
export type RunParams = z.infer<typeof RunParamsSchema>;
export const RunResultSchema = ObservationSchema;

export const ProgressParamsSchema = z.object({
  id: z.union([z.number(), z.string()]),
  content: z.string(),
});
export type ProgressParams = z.infer<typeof ProgressParamsSchema>;

export const LogParamsSchema = z.object({
  level: LogLevelSchema,
  message: z.string(),
  data: z.unknown().optional(),
});
export type LogParams = z.infer<typeof LogParamsSchema>;

/**
 * The plugin started (alive) or reaped (not alive) a process group of its own, e.g. a
 * shell or kernel spawned `detached`. Without cgroups the supervisor kills these groups
 * with the plugin; the plugin kills them itself when its stdin closes.
 */
export const ProcessGroupParamsSchema = z.object({
  pgid: z.number().int().min(2),
  alive: z.boolean(),
});
export type ProcessGroupParams = z.infer<typeof ProcessGroupParamsSchema>;

export const CancelParamsSchema = z.object({ id: z.union([z.number(), z.string()]) });
export type CancelParams = z.infer<typeof CancelParamsSchema>;
