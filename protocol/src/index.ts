export { ActionSchema, ExecuteActionBodySchema } from './action.js';
export type { Action, ActionInput, ExecuteActionBody } from './action.js';
export { plainAction, plainObservation, plainRunParams } from './fast-check.js';
export { ObservationSchema, ErrorObservationSchema, errorObservation, isErrorObservation } from './observation.js';
export type { Observation, ErrorObservation } from './observation.js';
export { ErrorIds, ERROR_IDS } from './error-ids.js';
export type { ErrorId } from './error-ids.js';
export { TraceLevelSchema, LogLevelSchema } from './trace-level.js';
export type { TraceLevel, LogLevel } from './trace-level.js';
export {
  InitializeParamsSchema,
  InitializeResultSchema,
  InitializedParamsSchema,
  WireFramingSchema,
  CapabilitiesSchema,
  EmptySchema,
  RunParamsSchema,
  RunSessionSchema,
  RunResultSchema,
  ProgressParamsSchema,
  LogParamsSchema,
  ProcessGroupParamsSchema,
  CancelParamsSchema,
} from './messages.js';
export type {
  RunSession,
  InitializeParams,
  InitializeResult,
  InitializedParams,
  WireFraming,
  Capabilities,
  Empty,
  RunParams,
  ProgressParams,
  LogParams,
  ProcessGroupParams,
  CancelParams,
} from './messages.js';
export { Methods } from './methods.js';
export type { Direction, MethodName, RequestDescriptor, NotificationDescriptor } from './methods.js';
export { PROTOCOL_VERSION, PROTOCOL_ENV, DEFAULT_MAX_FRAME_BYTES, MAX_HEADER_BYTES, MAX_TIMER_MS, MAX_ACTION_TIMEOUT_S } from './limits.js';
export { formatZodIssues } from './format-issues.js';
export { encodeFrame, FrameDecoder } from './framing.js';
export type { FrameSink, HandOver } from './framing.js';
export { LineDecoder } from './line-framing.js';
export type { LineSink, LineDecoderOptions } from './line-framing.js';
export { TickWriter } from './tick-writer.js';
export { encodeMessage, EncodedMessage, WireWriter } from './wire-writer.js';
export { signalGroup, groupExists } from './process-group.js';
export { McpStdioServerSchema, UpdateMcpServerBodySchema } from './mcp-servers.js';
export type { McpStdioServer, UpdateMcpServerAnswer } from './mcp-servers.js';
export { IdempotentRuleSchema, CallerSchema, ExecuteParamsSchema, ExecuteResultSchema } from './composition.js';
export type { IdempotentRule, Caller, ExecuteParams } from './composition.js';
