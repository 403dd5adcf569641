export { Supervisor } from './supervisor.js';
export { jsonLogger, silentLogger } from './log/logger.js';
export type { SupervisorOptions } from './supervisor.js';
export { parseConfig } from './config/parse-config.js';
export type { ParseConfigOptions } from './config/parse-config.js';
export { loadConfigFile, embeddedDefaultConfig, resolveConfig, DEFAULT_CONFIG_FILE } from './config/load-config.js';
export { ConfigError } from './config/config-error.js';
export type { ConfigProblem } from './config/config-error.js';
export { PlugdConfigFileSchema } from './config/schema.js';
export type { PlugdConfigFile } from './config/schema.js';
export { BUILTIN_PLUGINS, EMBEDDED_DEFAULT_PLUGINS } from './config/builtins.js';
export type {
  SupervisorConfig,
  PluginOptions,
  RestartOptions,
  TimeoutOptions,
  TraceOptions,
  ServerOptions,
  RestartMode,
} from './config/types.js';
export { DEFAULT_RESTART, DEFAULT_TIMEOUTS, DEFAULT_MAX_QUEUED } from './config/defaults.js';
export { RestartPolicy } from './policy/restart-policy.js';
export type { ExitFacts, RestartDecision } from './policy/restart-policy.js';
export { RouteTable } from './routing/route-table.js';
export { StrictMessageReader } from './rpc/strict-reader.js';
export { ProtocolViolation } from './rpc/protocol-violation.js';
export { PlugdError, isPlugdError } from './errors.js';
export type { PlugdErrorCode } from './errors.js';
export { PLUGIN_STATES } from './plugin/plugin-state.js';
export type { PluginState } from './plugin/plugin-state.js';
export { LIFECYCLE, Lifecycle, IllegalTransition, lifecycleDiagram } from './plugin/lifecycle.js';
export type { LifecycleEvent } from './plugin/lifecycle.js';
export { execaLauncher, launchCommand, programProblem } from './process/execa-launcher.js';
export type { LaunchSpec, LaunchedProcess, ProcessLauncher } from './process/launcher.js';
export type { PluginStatus } from './plugin/plugin-status.js';
export type { ExitInfo, ExitReason } from './process/exit-info.js';
export type * from './events.js';
export { signalGroup, groupExists } from './process/process-group.js';
export { Liveness } from './process/liveness.js';
export { PlugdHttpServer } from './http/http-server.js';
export type { HttpServerOptions } from './http/http-server.js';
export type { Route, RouteContext } from './http/http-types.js';
export { API_KEY_HEADER } from './http/auth.js';
export { TraceHub, LAST_FRAMES } from './trace/trace-hub.js';
export type { FrameEvent, FrameListener, TraceRecord } from './trace/frame-event.js';
export { Redactor, REDACTED } from './trace/redact.js';
export { RotatingFile } from './trace/rotating-file.js';
export type { RotatingFileOptions } from './trace/rotating-file.js';
export { SupervisorMetrics, LATENCY_BUCKETS } from './metrics/supervisor-metrics.js';
export { STREAMED_EVENTS } from './http/routes/events.js';
