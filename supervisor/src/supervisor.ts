import { EventEmitter } from 'node:events';
import { ActionSchema, ErrorIds, errorObservation, formatZodIssues, plainAction } from '@plugd/protocol';
import type { Action, Observation, TraceLevel } from '@plugd/protocol';
import type { Logger } from 'pino';
import type { PluginOptions, SupervisorConfig } from './config/types.js';
import type { ConfigReloadEvent, SupervisorEvents } from './events.js';
import { PlugdError } from './errors.js';
import { silentLogger } from './log/logger.js';
import { StderrLogger } from './log/stderr-logger.js';
import { logPluginEvents } from './log/plugin-event-log.js';
import { DEFAULT_CONTAINMENT } from './config/defaults.js';
import { Containment } from './containment/containment.js';
import { SupervisorMetrics } from './metrics/supervisor-metrics.js';
import type { ProcessLauncher } from './process/launcher.js';
import type { ManagedPlugin } from './plugin/managed-plugin.js';
import { PluginFactory } from './plugin/plugin-factory.js';
import type { PluginStatus } from './plugin/plugin-status.js';
import { ActionDispatcher } from './routing/action-dispatcher.js';
import type { ClientOptions } from './routing/action-dispatcher.js';
import { RouteTable } from './routing/route-table.js';
import type { Redactor } from './trace/redact.js';
import { redactorFor } from './security/secret-values.js';
import { SessionState } from './routing/session-state.js';
import { TraceHub } from './trace/trace-hub.js';
import { WatchSet } from './watch/watch-set.js';
import { ConfigApply } from './compose/config-apply.js';
import { CompositionCounts } from './compose/composition-counts.js';
import { composedStatus } from './compose/composed-status.js';
import { Retirement } from './compose/retirement.js';
import { LazyStart } from './compose/lazy-start.js';
import { StartOrder } from './compose/start-order.js';
import { pluginRequestHandler } from './compose/plugin-requests.js';
import { delay } from './util/delay.js';
import { PingClock } from './process/ping-clock.js';

export interface SupervisorOptions {
  /** pino logger; silent when omitted. */
  readonly logger?: Logger;
  /** How plugin processes are run; real processes unless a test injects a fake. */
  readonly launcher?: ProcessLauncher;
  /** Reads the config again for a config reload (`POST /config/reload`, SIGHUP); throws a ConfigError when it is bad. */
  readonly loadConfig?: () => SupervisorConfig;
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
  private routesTable: RouteTable;
  private currentConfig: SupervisorConfig;
  private readonly counts = new CompositionCounts();
  private readonly dispatcher: ActionDispatcher;
  private readonly factory: PluginFactory;
  private readonly order: StartOrder;
  private readonly lazy: LazyStart;
  /** Replaced or removed at run time, still finishing their actions. */
  private readonly retirement: Retirement;
  private readonly configApply: ConfigApply;
  private configReload: Promise<unknown> = Promise.resolve();
  readonly trace: TraceHub;
  /** Deep redaction of the configured secret keys (`redact`) and secret values, for traces, logs and free text. */
  readonly redactor: Redactor;
  /** Prometheus metrics in this supervisor's own registry (`GET /metrics`). */
  readonly metrics: SupervisorMetrics;
  private initialRound: Promise<void> | undefined;
  private initialDone = false;
  private startupConflicts: string[] | undefined = [];
  private stopping: Promise<void> | undefined;
  private watchers: WatchSet;
  /** Plugins' stderr lines in the log, rate-limited per plugin. */
  private readonly stderrLog: StderrLogger;
  /** Cgroups per plugin generation, or the process-tree fallback (detected at start). */
  readonly containment: Containment;

  constructor(
    config: SupervisorConfig,
    private readonly options: SupervisorOptions = {},
  ) {
    super();
    this.currentConfig = config;
    this.logger = options.logger ?? silentLogger();
    this.routesTable = new RouteTable(config.routes);
    this.redactor = redactorFor(config);
    this.trace = new TraceHub(config.plugins, this.logger, this.redactor);
    this.containment = new Containment(config.containment ?? DEFAULT_CONTAINMENT, this.logger);
    const isStopping = (): boolean => this.stopping !== undefined;
    this.order = new StartOrder({ plugins: this.managed, logger: this.logger, isStopping });
    this.lazy = new LazyStart({ logger: this.logger, isStopping, startWhenReady: (plugin) => this.order.startWhenReady(plugin) });
    const emit = this.emitSafely.bind(this);
    const supervisor = this;
    this.dispatcher = new ActionDispatcher({
      plugins: this.managed,
      session: this.session,
      redactor: this.redactor,
      lazy: this.lazy,
      counts: this.counts,
      config: () => this.config,
      routes: () => this.routesTable,
      mcpServers: () => this.mcpServers(),
      emit,
    });
    this.retirement = new Retirement({ isStopping, forget: (plugin) => this.lazy.forget(plugin) });
    this.factory = new PluginFactory({
      logger: this.logger,
      redactor: this.redactor,
      trace: this.trace,
      containment: this.containment,
      ...(options.launcher ? { launcher: options.launcher } : {}),
      pingClock: new PingClock(),
      config: () => this.config,
      emit,
      claimRoutes: (name, actions) => this.claimRoutes(name, actions),
      onRequest: pluginRequestHandler({
        get maxCallDepth() {
          return supervisor.config.maxCallDepth;
        },
        dispatch: (action, acceptedAt, call) => this.dispatcher.dispatch(action, acceptedAt, call),
        onCall: (caller, type, outcome) => this.emitSafely('call', { plugin: caller.plugin, requestId: caller.requestId, depth: caller.depth, type, outcome }),
      }),
    });
    this.configApply = new ConfigApply({
      plugins: this.managed,
      logger: this.logger,
      trace: this.trace,
      factory: this.factory,
      order: this.order,
      retirement: this.retirement,
      isStopping,
      config: () => this.config,
      setConfig: (next) => {
        this.currentConfig = next;
      },
      resetRoutes: (routes) => {
        this.routesTable = new RouteTable(routes);
      },
      claimRoutes: (name, actions) => this.claimRoutes(name, actions),
      removePlugin: (name) => this.removePlugin(name),
      rewatch: async (next) => {
        await this.watchers.close();
        this.watchers = this.watchSet(next);
        await this.watchers.start();
      },
    });
    for (const plugin of config.plugins) this.managed.set(plugin.name, this.factory.create(plugin));
    for (const plugin of config.plugins) {
      if (plugin.declaredActions.length > 0) this.claimRoutes(plugin.name, plugin.declaredActions);
    }
    this.on('action', (e) => {
      const plugin = this.managed.get(e.plugin);
      if (plugin) this.lazy.touch(plugin);
    });
    this.on('ready', (e) => this.onPluginReady(e.plugin));
    this.on('state', (e) => this.order.noteState(e));
    this.metrics = new SupervisorMetrics(this, () => this.plugins());
    this.stderrLog = new StderrLogger(this.logger);
    logPluginEvents(this, this.logger, this.redactor, this.stderrLog);
    this.watchers = this.watchSet(config);
  }

  get config(): SupervisorConfig {
    return this.currentConfig;
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

  /**
   * Routes one action (any JSON value; it is validated here) to its plugin. `options`:
   * `signal` cancels it (dropped while queued; the plugin is sent its cancel while it
   * runs; answered ACTION_CANCELLED), `onProgress` receives the plugin's progress reports.
   */
  execute(input: unknown, options?: ClientOptions): Promise<Observation> {
    const acceptedAt = Date.now();
    this.lastActionAt = acceptedAt;
    // The common, plainly valid action skips zod; anything else gets its full check and message.
    let action = plainAction(input);
    if (!action) {
      const parsed = ActionSchema.safeParse(input);
      if (!parsed.success) {
        return Promise.resolve(
          errorObservation(ErrorIds.INVALID_ACTION, `Not a valid action: ${formatZodIssues(parsed.error)}. An action looks like {"action": "run", "args": {"command": "ls"}}.`),
        );
      }
      action = parsed.data;
    }
    const explicitMs = action.timeout ? action.timeout * 1000 : undefined;
    if (!this.initialDone) return this.executeOnceStarted(action, acceptedAt, explicitMs, options);
    if (this.stopping) return Promise.resolve(this.stoppingObservation());
    // Not an async function: the dispatch's own promise is returned, without a hop of its own.
    return this.dispatcher.dispatch(action, acceptedAt, undefined, explicitMs, options);
  }

  /** An action that came before the first start round ended waits for it, within the action's timeout. */
  private async executeOnceStarted(action: Action, acceptedAt: number, explicitMs: number | undefined, options: ClientOptions | undefined): Promise<Observation> {
    const waitMs = explicitMs ?? Math.max(...this.config.plugins.map((p) => p.timeouts.actionMs), 0);
    const ready = await Promise.race([this.start().then(() => true, () => true), delay(waitMs).then(() => false)]);
    if (!ready) return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, `plugd was still starting its plugins when the action's ${waitMs / 1000} s timeout passed.`);
    if (this.stopping) return this.stoppingObservation();
    return this.dispatcher.dispatch(action, acceptedAt, undefined, explicitMs, options);
  }

  private stoppingObservation(): Observation {
    return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, 'plugd is stopping; the action was not run.');
  }

  /** The shell's working directory as its last `run` observation reported it. */
  get sessionCwd(): string | undefined {
    return this.session.params()?.cwd;
  }

  plugins(): PluginStatus[] {
    return [...this.managed.values()].map((p) => this.statusOf(p));
  }

  plugin(name: string): PluginStatus | undefined {
    const p = this.managed.get(name);
    return p && this.statusOf(p);
  }

  private statusOf(p: ManagedPlugin): PluginStatus {
    return composedStatus(p, this.counts);
  }

  routes(): Record<string, string> {
    return this.routesTable.entries();
  }

  async restart(name: string): Promise<PluginStatus> {
    const plugin = this.require(name);
    await plugin.restart();
    return this.statusOf(plugin);
  }

  /** Reloads one plugin, or every plugin when `name` is omitted. */
  async reload(name?: string): Promise<PluginStatus[]> {
    const targets = name === undefined ? [...this.managed.values()] : [this.require(name)];
    await Promise.all(targets.map((p) => p.reload()));
    return targets.map((p) => this.statusOf(p));
  }

  /** Changes the trace level at run time, for one plugin or all; no restart needed. */
  setTraceLevel(level: TraceLevel, name?: string): void {
    if (name !== undefined) this.require(name);
    this.trace.setLevel(level, name);
    for (const plugin of name === undefined ? this.managed.values() : [this.require(name)]) plugin.refreshTrace();
  }

  /** Graceful stop of every plugin (shutdown -> exit -> stdin -> SIGTERM -> SIGKILL), dependents first. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.watchers.close();
      // Not waiting for the first start round: each plugin's stop() cuts its start short
      // (waiting would take up to initMs), and the round settles as they stop.
      this.lazy.clear();
      await this.order.stopInOrder();
      await this.retirement.stopAll();
      this.stderrLog.close();
      await this.containment.close();
      await this.trace.close();
    })();
    return this.stopping;
  }

  /** The MCP servers (`"protocol": "mcp"` plugins) with their tools, for call_tool_mcp and /mcp. */
  mcpServers(): { name: string; state: string; tools: ManagedPlugin['tools'] }[] {
    // Read on every call_tool_mcp: one loop, one array.
    const servers: { name: string; state: string; tools: ManagedPlugin['tools'] }[] = [];
    for (const p of this.managed.values()) if (p.options.protocol === 'mcp') servers.push({ name: p.name, state: p.state, tools: p.tools });
    return servers;
  }

  /**
   * Adds a plugin at run time (POST /update_mcp_server) with the same hooks as the plugins
   * plugd started with (containment, scrub, launcher, plugin calls), by the path a config
   * reload takes: its condition and start mode apply. Resolves true once it serves.
   */
  async addPlugin(options: PluginOptions): Promise<boolean> {
    if (this.stopping) throw new PlugdError('SUPERVISOR_STOPPED', `plugd is stopping; plugin "${options.name}" was not added`);
    if (this.managed.has(options.name)) throw new PlugdError('CONFIG_INVALID', `a plugin named "${options.name}" is already running`);
    const added = this.configApply.attach([options]);
    const started = await this.order.startInOrder(added);
    return started.find(([name]) => name === options.name)?.[1] ?? false;
  }

  /**
   * Stops a plugin and forgets it (POST /update_mcp_server, a config reload): no new
   * action reaches it from now on; its in-flight actions are answered first.
   */
  async removePlugin(name: string): Promise<void> {
    const plugin = this.require(name);
    this.managed.delete(name);
    this.routesTable.release(name);
    // Its file watcher goes with it: left, it would hold its handles and reload a later plugin of that name.
    await Promise.all([this.watchers.remove(name), this.retirement.retire(plugin)]);
  }

  /** The plugins whose files are watched (`watch`), for status and tests. */
  watchedPlugins(): string[] {
    return this.watchers.plugins();
  }

  /** The options a plugin runs with (to tell whether an update changes it). */
  pluginOptions(name: string): PluginOptions | undefined {
    return this.managed.get(name)?.options;
  }

  private async runInitialRound(): Promise<void> {
    await this.containment.prepare();
    const results = await this.order.startInOrder([...this.managed.values()]);
    const conflicts = this.startupConflicts ?? [];
    this.startupConflicts = undefined;
    this.initialDone = true;
    const failed = results.filter(([, ok]) => !ok).map(([name]) => name);
    if (failed.length > 0) this.logger.warn({ failed }, `plugins that failed to start: ${failed.join(', ')}; the others serve`);
    if (conflicts.length > 0) {
      // Not this.stop(): it waits for this very round first (a deadlock).
      void this.watchers.close();
      this.stopping ??= this.order.stopInOrder().then(() => this.containment.close());
      await this.stopping;
      throw new PlugdError('ROUTE_CONFLICT', `${this.config.source}: ${conflicts.join('\n')}`);
    }
  }

  /** A plugin is ready: its idle clock starts; the plugins that depend on it go on. */
  private onPluginReady(name: string): void {
    if (this.stopping) return;
    const ready = this.managed.get(name);
    if (ready) this.lazy.touch(ready); // idleStopMs counts from ready, too
    this.order.dependencyReady(name);
  }

  // --- config reload -----------------------------------------------------------

  /**
   * Reads the config again (or takes `next`) and applies the difference: new plugins
   * start, removed ones stop after their actions, changed ones are replaced blue/green
   * (the old instance serves until the new one is ready), unchanged ones are left alone
   * (their `when` condition is checked again). A bad config throws and changes nothing.
   */
  reloadConfig(next?: SupervisorConfig): Promise<ConfigReloadEvent> {
    const run = this.configReload.then(async () => {
      let config: SupervisorConfig;
      try {
        if (this.stopping) throw new PlugdError('SUPERVISOR_STOPPED', 'plugd is stopping');
        config = next ?? this.readConfig();
      } catch (error) {
        const message = this.redactor.scrub(error instanceof Error ? error.message : String(error));
        this.logger.error({ err: error }, `config reload refused, nothing changed: ${message}`);
        this.emitSafely('config_reload', { added: [], removed: [], changed: [], unchanged: [], notApplied: [], error: message });
        throw error;
      }
      await this.initialRound?.catch(() => undefined);
      // plugd began to stop while the first start round ran: nothing to apply the config to.
      if (this.stopping) throw new PlugdError('SUPERVISOR_STOPPED', 'plugd is stopping; the config was not reloaded');
      const result = await this.configApply.apply(config);
      this.logger.info(result, `config reloaded: ${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed, ${result.unchanged.length} unchanged`);
      this.emitSafely('config_reload', result);
      return result;
    });
    this.configReload = run.catch(() => undefined);
    return run;
  }

  private readConfig(): SupervisorConfig {
    if (this.options.loadConfig) return this.options.loadConfig();
    throw new PlugdError('CONFIG_NOT_RELOADABLE', `plugd runs the config from ${this.config.source}, which it cannot read again; start it with -c FILE (or a plugd.json) to reload its config`);
  }

  private watchSet(config: SupervisorConfig): WatchSet {
    return new WatchSet(
      config.plugins,
      config.watchDebounceMs,
      this.logger,
      (name, files) => this.onFilesChanged(name, files),
      (name, files) => (this.stopping ? undefined : this.managed.get(name)?.speculate(files)),
    );
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
