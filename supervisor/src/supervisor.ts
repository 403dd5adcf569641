import { EventEmitter } from 'node:events';
import { ActionSchema, ErrorIds, errorObservation, formatZodIssues, plainAction } from '@plugd/protocol';
import type { Observation, TraceLevel } from '@plugd/protocol';
import type { Logger } from 'pino';
import type { PluginOptions, SupervisorConfig } from './config/types.js';
import type { SupervisorEvents } from './events.js';
import { PlugdError } from './errors.js';
import { silentLogger } from './log/logger.js';
import { StderrLogger } from './log/stderr-logger.js';
import { DEFAULT_CONTAINMENT } from './config/defaults.js';
import { Containment } from './containment/containment.js';
import { SupervisorMetrics } from './metrics/supervisor-metrics.js';
import type { ProcessLauncher } from './process/launcher.js';
import { CALL_TOOL_MCP, routeToolCall } from './mcp/call-tool-route.js';
import { asOpenHandsTimeout } from './mcp/mcp-observation.js';
import { ManagedPlugin } from './plugin/managed-plugin.js';
import type { PluginStatus } from './plugin/plugin-status.js';
import { RouteTable } from './routing/route-table.js';
import type { Redactor } from './trace/redact.js';
import { redactorFor } from './security/secret-values.js';
import { SessionState } from './routing/session-state.js';
import { TraceHub } from './trace/trace-hub.js';
import { WatchSet } from './watch/watch-set.js';

export interface SupervisorOptions {
  /** pino logger; silent when omitted. */
  readonly logger?: Logger;
  /** How plugin processes are run; real processes unless a test injects a fake. */
  readonly launcher?: ProcessLauncher;
}

/**
 * Runs every configured plugin as its own child process and routes each Action to
 * the plugin that handles it. Every accepted action gets exactly one Observation.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly logger: Logger;
  readonly startedAt = Date.now();
  lastActionAt = Date.now();
  private readonly managed = new Map<string, ManagedPlugin>();
  /** The shell's cwd, passed on to every plugin in `run` params. */
  private readonly session = new SessionState();
  private readonly routesTable: RouteTable;
  readonly trace: TraceHub;
  /** Deep redaction of the configured secret keys (`redact`) and secret values, for traces, logs and free text. */
  readonly redactor: Redactor;
  /** Prometheus metrics in this supervisor's own registry (`GET /metrics`). */
  readonly metrics: SupervisorMetrics;
  private initialRound: Promise<void> | undefined;
  private initialDone = false;
  private startupConflicts: string[] | undefined = [];
  private stopping: Promise<void> | undefined;
  private readonly watchers: WatchSet;
  /** Plugins' stderr lines in the log, rate-limited per plugin. */
  private readonly stderrLog: StderrLogger;
  /** Cgroups per plugin generation, or the process-tree fallback (detected at start). */
  readonly containment: Containment;
  private readonly launcher: ProcessLauncher | undefined;

  constructor(
    readonly config: SupervisorConfig,
    options: SupervisorOptions = {},
  ) {
    super();
    this.logger = options.logger ?? silentLogger();
    this.launcher = options.launcher;
    this.routesTable = new RouteTable(config.routes);
    this.redactor = redactorFor(config);
    this.trace = new TraceHub(config.plugins, this.logger, this.redactor);
    this.containment = new Containment(config.containment ?? DEFAULT_CONTAINMENT, this.logger);
    for (const plugin of config.plugins) this.managed.set(plugin.name, this.createManaged(plugin, options.launcher));
    for (const plugin of config.plugins) {
      if (plugin.declaredActions.length > 0) this.claimRoutes(plugin.name, plugin.declaredActions);
    }
    this.metrics = new SupervisorMetrics(this, () => this.plugins());
    this.stderrLog = new StderrLogger(this.logger);
    this.on('stderr', (e) => this.stderrLog.log(e));
    this.on('log', (e) =>
      this.logger[e.level](
        { plugin: e.plugin, pid: e.pid, generation: e.generation, stream: 'plugd/log', ...(e.data !== undefined ? { data: this.redactor.redact(e.data) } : {}) },
        this.redactor.scrub(e.message),
      ),
    );
    this.on('reload', (e) => this.logger.info({ plugin: e.plugin, from: e.fromGeneration, to: e.toGeneration, ms: e.durationMs }, `plugin ${e.plugin} reloaded: generation ${e.toGeneration} serves`));
    this.on('reload_failed', (e) => this.logger.error({ plugin: e.plugin, generation: e.generation, error: e.error }, `plugin ${e.plugin} did not reload (generation ${e.generation}: ${e.error}); the previous generation keeps serving`));
    this.watchers = new WatchSet(config.plugins, config.watchDebounceMs, this.logger, (name, files) => this.onFilesChanged(name, files));
  }

  /**
   * Starts every plugin at once and resolves when each has answered `initialize` or
   * failed its first start (it keeps retrying in the background). Two plugins
   * claiming one action type with no `routes` override is a startup error.
   */
  start(): Promise<void> {
    // File watchers take their baseline while the plugins start: an edit after start() resolves reloads.
    this.initialRound ??= Promise.all([this.runInitialRound(), this.watchers.start()]).then(() => undefined);
    return this.initialRound;
  }

  get initialized(): boolean {
    return this.initialDone;
  }

  /** Routes one action (any JSON value; it is validated here) to its plugin. */
  async execute(input: unknown): Promise<Observation> {
    const acceptedAt = Date.now();
    this.lastActionAt = acceptedAt;
    // The common, plainly valid action skips zod; anything else gets its full check and message.
    let action = plainAction(input);
    if (!action) {
      const parsed = ActionSchema.safeParse(input);
      if (!parsed.success) {
        return errorObservation(
          ErrorIds.INVALID_ACTION,
          `Not a valid action: ${formatZodIssues(parsed.error)}. An action looks like {"action": "run", "args": {"command": "ls"}}.`,
        );
      }
      action = parsed.data;
    }
    const explicitMs = action.timeout ? action.timeout * 1000 : undefined;
    if (!this.initialDone) {
      const waitMs = explicitMs ?? Math.max(...this.config.plugins.map((p) => p.timeouts.actionMs), 0);
      const ready = await Promise.race([this.start().then(() => true, () => true), delay(waitMs).then(() => false)]);
      if (!ready) return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, `plugd was still starting its plugins when the action's ${waitMs / 1000} s timeout passed.`);
    }
    if (this.stopping) return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, 'plugd is stopping; the action was not run.');
    const mcp = action.action === CALL_TOOL_MCP ? this.mcpServers() : [];
    const routed = mcp.length > 0 ? routeToolCall(action, mcp) : undefined;
    if (routed && 'observation' in routed) return routed;
    const plugin = routed ? this.managed.get((routed as { server: string }).server) : this.pluginFor(action.action);
    if (!plugin) return this.noPlugin(action.action);
    const timeoutMs = explicitMs ?? plugin.options.timeouts.actionMs;
    const answered = this.scrubError(await plugin.submit(action, acceptedAt, timeoutMs, this.session));
    const observation = routed ? asOpenHandsTimeout(action, answered, timeoutMs) : answered;
    this.session.observe(observation);
    return observation;
  }

  /** The shell's working directory as its last `run` observation reported it. */
  get sessionCwd(): string | undefined {
    return this.session.params()?.cwd;
  }

  plugins(): PluginStatus[] {
    return [...this.managed.values()].map((p) => p.status());
  }

  plugin(name: string): PluginStatus | undefined {
    return this.managed.get(name)?.status();
  }

  routes(): Record<string, string> {
    return this.routesTable.entries();
  }

  async restart(name: string): Promise<PluginStatus> {
    const plugin = this.require(name);
    await plugin.restart();
    return plugin.status();
  }

  /** Reloads one plugin, or every plugin when `name` is omitted (SIGHUP). */
  async reload(name?: string): Promise<PluginStatus[]> {
    const targets = name === undefined ? [...this.managed.values()] : [this.require(name)];
    await Promise.all(targets.map((p) => p.reload()));
    return targets.map((p) => p.status());
  }

  /** Changes the trace level at run time, for one plugin or all; no restart needed. */
  setTraceLevel(level: TraceLevel, name?: string): void {
    if (name !== undefined) this.require(name);
    this.trace.setLevel(level, name);
    for (const plugin of name === undefined ? this.managed.values() : [this.require(name)]) plugin.refreshTrace();
  }

  /** Graceful stop of every plugin (shutdown -> exit -> stdin -> SIGTERM -> SIGKILL). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.watchers.close();
      // Not waiting for the first start round: each plugin's stop() cuts its start short
      // (waiting would take up to initMs), and the round settles as they stop.
      await Promise.all([...this.managed.values()].map((p) => p.stop()));
      this.stderrLog.close();
      this.containment.close();
      await this.trace.close();
    })();
    return this.stopping;
  }

  private createManaged(plugin: PluginOptions, launcher: ProcessLauncher | undefined): ManagedPlugin {
    return new ManagedPlugin(plugin, {
      logger: this.logger,
      username: this.config.username,
      scrub: (text) => this.redactor.scrub(text),
      emit: (event, ...args) => this.emitSafely(event, ...args),
      claimRoutes: (name, actions) => this.claimRoutes(name, actions),
      traceLevel: (name) => this.trace.level(name),
      frameListener: (name, proc) => this.trace.listenerFor(name, proc),
      lastFrames: (name) => this.trace.lastFrames(name),
      // A test's fake processes get no cgroups; real ones are contained.
      ...(launcher ? { launcher } : { guardFor: (options, generation) => this.containment.forGeneration(options, generation) }),
      sampleIntervalMs: this.containment.options.sampleIntervalMs,
    });
  }

  /** The MCP servers (`"protocol": "mcp"` plugins) with their tools, for call_tool_mcp and /mcp. */
  mcpServers(): { name: string; state: string; tools: ManagedPlugin['tools'] }[] {
    return [...this.managed.values()].filter((p) => p.options.protocol === 'mcp').map((p) => ({ name: p.name, state: p.state, tools: p.tools }));
  }

  /** Adds a plugin at run time (POST /update_mcp_server) and starts it; resolves true once it serves. */
  addPlugin(options: PluginOptions): Promise<boolean> {
    if (this.stopping) return Promise.reject(new PlugdError('SUPERVISOR_STOPPED', `plugd is stopping; plugin "${options.name}" was not added`));
    if (this.managed.has(options.name)) return Promise.reject(new PlugdError('CONFIG_INVALID', `a plugin named "${options.name}" is already running`));
    const plugin = this.createManaged(options, this.launcher);
    this.managed.set(options.name, plugin);
    return plugin.start();
  }

  /** Stops a plugin and forgets it (POST /update_mcp_server); its in-flight actions are answered first. */
  async removePlugin(name: string): Promise<void> {
    const plugin = this.require(name);
    this.managed.delete(name);
    this.routesTable.release(name);
    await plugin.stop();
  }

  /** The options a plugin runs with (to tell whether an update changes it). */
  pluginOptions(name: string): PluginOptions | undefined {
    return this.managed.get(name)?.options;
  }

  private async runInitialRound(): Promise<void> {
    await this.containment.prepare();
    const results = await Promise.all([...this.managed.values()].map(async (p) => [p.name, await p.start()] as const));
    const conflicts = this.startupConflicts ?? [];
    this.startupConflicts = undefined;
    this.initialDone = true;
    const failed = results.filter(([, ok]) => !ok).map(([name]) => name);
    if (failed.length > 0) this.logger.warn({ failed }, `plugins that failed to start: ${failed.join(', ')}; the others serve`);
    if (conflicts.length > 0) {
      // Not this.stop(): it waits for this very round first (a deadlock).
      void this.watchers.close();
      this.stopping ??= Promise.all([...this.managed.values()].map((p) => p.stop())).then(() => this.containment.close());
      await this.stopping;
      throw new PlugdError('ROUTE_CONFLICT', `${this.config.source}: ${conflicts.join('\n')}`);
    }
  }

  private onFilesChanged(name: string, files: readonly string[]): void {
    if (this.stopping) return;
    this.logger.info({ plugin: name, files }, `plugin ${name}: files changed (${files.join(', ')}); reloading`);
    this.reload(name).catch((error: unknown) => this.logger.error({ plugin: name, err: error }, `reloading plugin ${name} failed`));
  }

  private claimRoutes(name: string, actions: readonly string[]): string | undefined {
    const conflict = this.routesTable.claim(name, actions);
    if (conflict) {
      this.startupConflicts?.push(`plugin "${name}": ${conflict}`);
      this.logger.error({ plugin: name }, conflict);
    }
    return conflict;
  }

  /**
   * The plugin that handles `type`: the one that claimed it, else the one `routes` names
   * while it is not serving (it has not said what it handles yet; the action waits for it
   * or is answered PLUGIN_UNAVAILABLE with the reason, never NO_PLUGIN_FOR_ACTION).
   */
  private pluginFor(type: string): ManagedPlugin | undefined {
    const claimed = this.routesTable.lookup(type);
    if (claimed !== undefined) return this.managed.get(claimed);
    const routed = Object.hasOwn(this.config.routes, type) ? this.managed.get(this.config.routes[type]!) : undefined;
    if (!routed || routed.state === 'ready' || routed.state === 'reloading') return undefined;
    return routed;
  }

  /** An error Observation is text plugd wrote (crash reports quote stderr): no secret value in it. */
  private scrubError(observation: Observation): Observation {
    if (observation.observation !== 'error') return observation;
    const content = this.redactor.scrub(observation.content);
    return content === observation.content ? observation : { ...observation, content };
  }

  private noPlugin(type: string): Observation {
    const handled = this.routesTable.types();
    const down = [...this.managed.values()].filter((p) => p.state !== 'ready' && p.state !== 'reloading').map((p) => `${p.name} (${p.state})`);
    return errorObservation(
      ErrorIds.NO_PLUGIN_FOR_ACTION,
      `No loaded plugin handles action type "${type}". Handled types: ${handled.join(', ') || '(none)'}.${down.length ? ` Plugins not serving: ${down.join(', ')}.` : ''}`,
    );
  }

  private require(name: string): ManagedPlugin {
    const plugin = this.managed.get(name);
    if (!plugin) throw new PlugdError('PLUGIN_NOT_FOUND', `no plugin named "${name}"; configured plugins: ${[...this.managed.keys()].join(', ')}`);
    return plugin;
  }

  private emitSafely<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: SupervisorEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.logger.error({ err: error, event }, 'a supervisor event listener threw');
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
