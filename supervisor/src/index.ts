export { Supervisor } from './supervisor.js';
export { jsonLogger, silentLogger } from './log/logger.js';
export type { SupervisorOptions } from './supervisor.js';
export type { ClientOptions as ExecuteOptions } from './routing/action-dispatcher.js';
export type { ActionProgress } from './process/protocol-session.js';
export { parseConfig } from './config/parse-config.js';
export type { ParseConfigOptions } from './config/parse-config.js';
export { loadConfigFile, embeddedDefaultConfig, resolveConfig, DEFAULT_CONFIG_FILE } from './config/load-config.js';
export { ConfigError } from './config/config-error.js';
export type { ConfigProblem } from './config/config-error.js';
export { PlugdConfigFileSchema, RestartOptionsSchema, TimeoutOptionsSchema, ServerOptionsSchema, TraceOptionsSchema } from './config/schema.js';
export type { PlugdConfigFile } from './config/schema.js';
export { BUILTIN_PLUGINS, EMBEDDED_DEFAULT_PLUGINS } from './config/builtins.js';
export { BUILTIN_ACTIONS } from './config/builtins.js';
export { checkoutRoot } from './config/checkout-root.js';
export { discoverPlugin, listInstalledPlugins, readPluginPackage, PLUGIN_PACKAGE_PREFIX, PluginManifestSchema } from './config/discover-plugin.js';
export type { DiscoveredPlugin, Discovery, InstalledPlugin, PluginManifest } from './config/discover-plugin.js';
export type {
  SupervisorConfig,
  PluginOptions,
  RestartOptions,
  TimeoutOptions,
  TraceOptions,
  ServerOptions,
  RestartMode,
  LimitOptions,
  ContainmentMode,
  ContainmentOptions,
} from './config/types.js';
export { DEFAULT_RESTART, DEFAULT_TIMEOUTS, DEFAULT_MAX_QUEUED, DEFAULT_SERVER, DEFAULT_TRACE, DEFAULT_CONTAINMENT } from './config/defaults.js';
export { Containment } from './containment/containment.js';
export type { GenerationGuard, GuardedLaunch, LaunchRequest, ResourceUsage, KernelVerdict } from './containment/guard.js';
export { findHierarchies, planCgroups, planHierarchies, describePlan } from './containment/layout.js';
export type { CgroupMounts, CgroupPlan, Hierarchy } from './containment/layout.js';
export { limitFiles } from './containment/limit-files.js';
export type { HardLimits, LimitFile } from './containment/limit-files.js';
export { enterCgroupCommand, CGROUP_GATE_ENV, CGROUP_KILL_ENV, CGROUP_PID_ENV } from './containment/wrap-command.js';
export { moveIntoCgroup, CgroupMoveError } from './containment/move-into-cgroup.js';
export { nodeGateFile } from './containment/node-gate-launch.js';
export { decideGate } from './containment/gate-decision.js';
export type { GateDecision, ProgramKind } from './containment/gate-decision.js';
export { MemoryWatch } from './containment/memory-watch.js';
export { scanProcs, treeOf } from './containment/proc-table.js';
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
export { PingClock } from './process/ping-clock.js';
export { PlugdHttpServer } from './http/http-server.js';
export type { HttpServerOptions } from './http/http-server.js';
export { originRefusal, originAllowed } from './http/origin-guard.js';
export type { OriginPolicy } from './http/origin-guard.js';
export { isLoopbackHost, hostName } from './http/loopback.js';
export { remoteAccessRefusal, servesRemoteWithoutKey } from './http/remote-access.js';
export type { Route, RouteContext } from './http/http-types.js';
export { API_KEY_HEADER } from './http/auth.js';
export { TraceHub, LAST_FRAMES } from './trace/trace-hub.js';
export type { FrameEvent, FrameListener, TraceRecord } from './trace/frame-event.js';
export { Redactor, REDACTED, MIN_SECRET_LENGTH } from './trace/redact.js';
export { secretValues, redactorFor } from './security/secret-values.js';
export { RotatingFile } from './trace/rotating-file.js';
export type { RotatingFileOptions } from './trace/rotating-file.js';
export { SupervisorMetrics, LATENCY_BUCKETS } from './metrics/supervisor-metrics.js';
export { STREAMED_EVENTS } from './http/routes/events.js';
export { PluginWatcher } from './watch/plugin-watcher.js';
export type { PluginWatcherOptions } from './watch/plugin-watcher.js';
export { spawnCommand, setprivArgs, nodePermissionArgs, SETPRIV } from './process/spawn-command.js';
export type { SpawnCommand, SpawnCommandOptions } from './process/spawn-command.js';
export { pluginEnv, INHERITED_ENV } from './process/plugin-env.js';
export { lookupRunAs, identityEnv } from './security/run-as.js';
export type { RunAs } from './security/run-as.js';
export { accessProblem } from './security/path-access.js';
export { integrityMismatch } from './security/integrity.js';
export { launchRefusal } from './security/launch-check.js';
export { loadGrants, permissionFlag, isNodeProgram } from './security/node-permissions.js';
export type { NodePermissionOptions, PermissionFlag } from './security/node-permissions.js';
export { apiKeyExposure } from './security/config-exposure.js';
