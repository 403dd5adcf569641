import { EventEmitter } from 'node:events';
import { ActionSchema, ErrorIds, errorObservation, formatZodIssues } from '@plugd/protocol';
import { Methods } from '@plugd/protocol';
import type { Action, Observation, TraceLevel } from '@plugd/protocol';
import type { PluginProcess } from './process/plugin-process.js';
import type { Logger } from 'pino';
import type { PluginOptions, SupervisorConfig } from './config/types.js';
import type { ConfigReloadEvent, SupervisorEvents } from './events.js';
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
import { redactorFor, secretValues } from './security/secret-values.js';
import { SessionState } from './routing/session-state.js';
import { TraceHub } from './trace/trace-hub.js';
import { WatchSet } from './watch/watch-set.js';
import { unmetCondition } from './compose/condition.js';
import { diffPlugins } from './compose/config-diff.js';
import { effectiveRules, isIdempotent } from './compose/idempotency.js';
import { LazyStart } from './compose/lazy-start.js';
import { StartOrder } from './compose/start-order.js';
import { pickPlugin } from './compose/pick-plugin.js';
import { handlePluginCall } from './compose/plugin-call.js';
import type { CallContext } from './compose/plugin-call.js';

export interface SupervisorOptions {
  /** pino logger; silent when omitted. */
  readonly logger?: Logger;
  /** How plugin processes are run; real processes unless a test injects a fake. */
  readonly launcher?: ProcessLauncher;
  /** Reads the config again for a config reload (`POST /config/reload`, SIGHUP); throws a ConfigError when it is bad. */
  readonly loadConfig?: () => SupervisorConfig;
}

/** Per plugin: how often it stood in for another, and retries of actions that crashed in it. */
interface CompositionCounts {
  servedAsFallback: number;
  retried: number;
}

/** Where an action goes: the plugins it may run on, in order (re-read on each try). */
interface Route {
  /** A call_tool_mcp routed by tool name to one MCP server. */
  readonly mcp: boolean;
  chain(): ManagedPlugin[];
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
  private readonly counts = new Map<string, CompositionCounts>();
  private readonly order: StartOrder;
  private readonly lazy: LazyStart;
  /** Replaced or removed at run time, still finishing their actions. */
  private readonly retiring = new Set<ManagedPlugin>();
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
    for (const plugin of config.plugins) this.managed.set(plugin.name, this.createPlugin(plugin));
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

  /** Routes one action (any JSON value; it is validated here) to its plugin. */
  async execute(input: unknown): Promise<Observation> {
    const acceptedAt = Date.now();
    this.lastActionAt = acceptedAt;
    const parsed = ActionSchema.safeParse(input);
    if (!parsed.success) {
      return errorObservation(
        ErrorIds.INVALID_ACTION,
        `Not a valid action: ${formatZodIssues(parsed.error)}. An action looks like {"action": "run", "args": {"command": "ls"}}.`,
      );
    }
    const action = parsed.data;
    const explicitMs = action.timeout ? action.timeout * 1000 : undefined;
    if (!this.initialDone) {
      const waitMs = explicitMs ?? Math.max(...this.config.plugins.map((p) => p.timeouts.actionMs), 0);
      const ready = await Promise.race([this.start().then(() => true, () => true), delay(waitMs).then(() => false)]);
      if (!ready) return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, `plugd was still starting its plugins when the action's ${waitMs / 1000} s timeout passed.`);
    }
    if (this.stopping) return errorObservation(ErrorIds.PLUGIN_UNAVAILABLE, 'plugd is stopping; the action was not run.');
    return this.dispatch(action, acceptedAt, undefined, explicitMs);
  }

  /** The shell's working directory as its last `run` observation reported it. */
  get sessionCwd(): string | undefined {
    return this.session.params()?.cwd;
  }

  /**
   * One action, from a client or from a plugin (plugd/execute): routed (call_tool_mcp by
   * tool name, else by type with the route's fallbacks), run with the session, its error
   * text scrubbed of secret values; a run observation updates the session's cwd.
   */
  private async dispatch(action: Action, acceptedAt: number, call: CallContext | undefined, explicitMs?: number): Promise<Observation> {
    const route = this.route(action);
    if ('observation' in route) return route;
    const first = route.chain()[0];
    if (!first) return this.noPlugin(action.action);
    const deadline = call?.deadline ?? acceptedAt + (explicitMs ?? first.options.timeouts.actionMs);
    const answered = this.scrubError(await this.runOnRoute(action, acceptedAt, call, deadline, route));
    const observation = route.mcp ? asOpenHandsTimeout(action, answered, deadline - acceptedAt) : answered;
    this.session.observe(observation);
    return observation;
  }

  /** call_tool_mcp goes to the MCP server that has the tool; any other type to its route. */
  private route(action: Action): Route | Observation {
    if (action.action === CALL_TOOL_MCP) {
      const servers = this.mcpServers();
      if (servers.length > 0) {
        const routed = routeToolCall(action, servers);
        if ('observation' in routed) return routed;
        return {
          mcp: true,
          chain: () => {
            const server = this.managed.get(routed.server);
            return server ? [server] : [];
          },
        };
      }
    }
    return { mcp: false, chain: () => this.candidates(action.action) };
  }

  /**
   * Runs one action on the first plugin of its route that can take it (fallbacks), and
   * once more when it crashed under an idempotent action (retries). An action refused
   * before it ran (PLUGIN_UNAVAILABLE) goes to the next plugin of the route.
   */
  private async runOnRoute(action: Action, acceptedAt: number, call: CallContext | undefined, deadline: number, route: Route): Promise<Observation> {
    const tried = new Set<string>();
    let retried = false;
    for (;;) {
      const chain = route.chain();
      const plugin = pickPlugin(chain.map((p) => this.lazy.candidate(p)), tried);
      const managed = plugin && chain.find((p) => p.name === plugin.name);
      if (!plugin || !managed) return this.noPlugin(action.action);
      if (this.lazy.needsWake(managed, plugin.startable)) await this.lazy.wake(managed);
      const observation = await managed.submit(action, acceptedAt, deadline - Date.now(), { session: this.session, cancel: call?.signal, caller: call?.caller });
      const primary = chain[0]!;
      const error = observation.observation === 'error' ? (observation.extras as { error_id?: unknown }).error_id : undefined;
      if (managed !== primary && error !== ErrorIds.PLUGIN_UNAVAILABLE) {
        this.count(managed.name).servedAsFallback += 1;
        this.emitSafely('fallback', { type: action.action, plugin: managed.name, primary: primary.name, primaryState: primary.state });
      }
      const left = deadline - Date.now();
      if (error === ErrorIds.PLUGIN_UNAVAILABLE && left > 0 && !call?.signal.aborted) {
        tried.add(managed.name);
        if (chain.some((p) => !tried.has(p.name))) continue;
      }
      if (error === ErrorIds.PLUGIN_CRASHED && !retried && left > 0 && !call?.signal.aborted && this.idempotent(managed, action)) {
        retried = true;
        this.count(managed.name).retried += 1;
        this.emitSafely('retry', { type: action.action, plugin: managed.name, reason: this.redactor.scrub(observation.content.split('\n')[0] ?? '') });
        continue;
      }
      return observation;
    }
  }

  /** The plugins of a route, in order: the claimant (or the configured first) and its fallbacks. */
  private candidates(type: string): ManagedPlugin[] {
    const names: string[] = [];
    const first = this.pluginFor(type)?.name ?? this.config.routes[type];
    if (first !== undefined) names.push(first);
    for (const name of this.config.fallbacks[type] ?? []) if (!names.includes(name)) names.push(name);
    return names.map((name) => this.managed.get(name)).filter((p): p is ManagedPlugin => p !== undefined);
  }

  private idempotent(plugin: ManagedPlugin, action: Action): boolean {
    const declared = plugin.current?.initResult?.idempotent ?? plugin.lastIdempotent ?? [];
    return isIdempotent(effectiveRules(declared, plugin.options.idempotent), action);
  }

  /** Handles a plugin's plugd/execute request. */
  private onPluginRequest(plugin: ManagedPlugin, method: string, params: unknown, proc: PluginProcess): Promise<unknown> | undefined {
    if (method !== Methods.execute.method) return undefined;
    return handlePluginCall(
      {
        maxCallDepth: this.config.maxCallDepth,
        dispatch: (action, acceptedAt, call) => this.dispatch(action, acceptedAt, call),
        onCall: (caller, type, outcome) => this.emitSafely('call', { plugin: caller.plugin, requestId: caller.requestId, depth: caller.depth, type, outcome }),
      },
      plugin,
      proc,
      params,
    );
  }

  private count(name: string): CompositionCounts {
    let counts = this.counts.get(name);
    if (!counts) this.counts.set(name, (counts = { servedAsFallback: 0, retried: 0 }));
    return counts;
  }

  plugins(): PluginStatus[] {
    return [...this.managed.values()].map((p) => this.statusOf(p));
  }

  plugin(name: string): PluginStatus | undefined {
    const p = this.managed.get(name);
    return p && this.statusOf(p);
  }

  private statusOf(p: ManagedPlugin): PluginStatus {
    const counts = this.counts.get(p.name);
    return {
      ...p.status(),
      ...(p.reason !== undefined ? { reason: p.reason } : {}),
      ...(p.options.start === 'lazy' ? { start: 'lazy' as const } : {}),
      servedAsFallback: counts?.servedAsFallback ?? 0,
      retried: counts?.retried ?? 0,
      idempotent: effectiveRules(p.current?.initResult?.idempotent ?? p.lastIdempotent ?? [], p.options.idempotent),
    };
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
      await Promise.all([...this.retiring].map((p) => p.stop()));
      this.stderrLog.close();
      this.containment.close();
      await this.trace.close();
    })();
    return this.stopping;
  }

  /** The MCP servers (`"protocol": "mcp"` plugins) with their tools, for call_tool_mcp and /mcp. */
  mcpServers(): { name: string; state: string; tools: ManagedPlugin['tools'] }[] {
    return [...this.managed.values()].filter((p) => p.options.protocol === 'mcp').map((p) => ({ name: p.name, state: p.state, tools: p.tools }));
  }

  /**
   * Adds a plugin at run time (POST /update_mcp_server) with the same hooks as the plugins
   * plugd started with (containment, scrub, launcher, plugin calls), by the path a config
   * reload takes: its condition and start mode apply. Resolves true once it serves.
   */
  async addPlugin(options: PluginOptions): Promise<boolean> {
    if (this.stopping) throw new PlugdError('SUPERVISOR_STOPPED', `plugd is stopping; plugin "${options.name}" was not added`);
    if (this.managed.has(options.name)) throw new PlugdError('CONFIG_INVALID', `a plugin named "${options.name}" is already running`);
    const added = this.attach([options]);
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
    await this.retire(plugin);
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

  /**
   * Every plugin, whether it started with plugd or came later (config reload,
   * POST /update_mcp_server), gets these hooks: its secret values scrubbed, its
   * generations contained (real processes) and its plugd/execute requests served.
   */
  private createPlugin(options: PluginOptions, firstGeneration = 0): ManagedPlugin {
    this.redactor.learn(secretValues({ server: this.config.server, redact: this.config.redact, plugins: [options] }));
    const launcher = this.options.launcher;
    return new ManagedPlugin(options, {
      logger: this.logger,
      username: this.config.username,
      scrub: (text) => this.redactor.scrub(text),
      emit: (event, ...args) => this.emitSafely(event, ...args),
      claimRoutes: (name, actions) => this.claimRoutes(name, actions),
      traceLevel: (name) => this.trace.level(name),
      frameListener: (name, proc) => this.trace.listenerFor(name, proc),
      lastFrames: (name) => this.trace.lastFrames(name),
      onRequest: (plugin, method, params, proc) => this.onPluginRequest(plugin, method, params, proc),
      firstGeneration,
      // A test's fake processes get no cgroups; real ones are contained.
      ...(launcher ? { launcher } : { guardFor: (plugin, generation) => this.containment.forGeneration(plugin, generation) }),
      sampleIntervalMs: this.containment.options.sampleIntervalMs,
    });
  }

  /** New plugins at run time: managed, traced and routed like the ones at start (not started yet). */
  private attach(list: readonly PluginOptions[]): ManagedPlugin[] {
    return list.map((options) => {
      this.trace.configure(options);
      const plugin = this.createPlugin(options);
      this.managed.set(options.name, plugin);
      if (options.declaredActions.length > 0) this.claimRoutes(options.name, options.declaredActions);
      return plugin;
    });
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
      const result = await this.applyConfig(config);
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

  private async applyConfig(next: SupervisorConfig): Promise<ConfigReloadEvent> {
    const diff = diffPlugins(this.config.plugins, next.plugins);
    // The running plugins may differ from the old config: POST /update_mcp_server adds and
    // removes MCP servers. A config entry whose plugin is not running is added; one that
    // takes the name of a server added at run time replaces it.
    const running = (name: string) => this.managed.has(name);
    const toAdd = [...diff.added, ...diff.changed, ...next.plugins.filter((p) => diff.unchanged.includes(p.name))].filter((p) => !running(p.name));
    const toChange = [...diff.changed, ...diff.added].filter((p) => running(p.name));
    const unchanged = diff.unchanged.filter(running);
    this.currentConfig = next;
    const notApplied: { plugin: string; error: string }[] = [];
    // Removed plugins take no new action from now on; what they run, they finish.
    for (const name of diff.removed) {
      if (running(name)) void this.removePlugin(name).catch((error: unknown) => this.logger.error({ plugin: name, err: error }, `stopping removed plugin ${name} failed`));
    }
    this.routesTable = new RouteTable(next.routes);
    for (const plugin of this.managed.values()) this.claimRoutes(plugin.name, [...plugin.options.declaredActions, ...plugin.actionTypes]);
    for (const options of toChange) this.trace.configure(options);
    const added = this.attach(toAdd);
    const replaced = toChange.map(async (options) => {
      const error = await this.replace(this.managed.get(options.name)!, options);
      if (error) notApplied.push({ plugin: options.name, error });
    });
    await Promise.all([this.order.startInOrder(added), ...replaced, ...unchanged.map((name) => this.recheck(this.managed.get(name)!))]);
    if (!this.stopping) {
      await this.watchers.close();
      this.watchers = new WatchSet(next.plugins, next.watchDebounceMs, this.logger, (name, files) => this.onFilesChanged(name, files));
      await this.watchers.start();
    }
    return { added: toAdd.map((p) => p.name), removed: diff.removed, changed: toChange.map((p) => p.name), unchanged, notApplied };
  }

  /** Blue/green across configs: the new instance starts beside the old, which serves until it is ready. */
  private async replace(old: ManagedPlugin, options: PluginOptions): Promise<string | undefined> {
    const fresh = this.createPlugin(options, old.latestGeneration);
    const unmet = unmetCondition(options.when, options.cwd);
    const swap = (): void => {
      this.managed.set(options.name, fresh);
      this.claimRoutes(options.name, [...options.declaredActions, ...fresh.actionTypes]);
      void this.retire(old);
    };
    if (unmet) {
      this.order.disable(fresh, unmet);
      swap();
      return undefined;
    }
    const down = this.order.depsDown(fresh);
    if (options.start === 'lazy' || down) {
      if (down) fresh.wait(down);
      swap();
      return undefined;
    }
    if (await fresh.start()) {
      swap();
      return undefined;
    }
    const error = `its new config did not start (${fresh.lastError ?? 'failed'}); the previous one keeps serving`;
    await fresh.stop();
    this.logger.error({ plugin: options.name }, `config reload: plugin ${options.name}: ${error}`);
    return error;
  }

  /** An unchanged plugin: its condition may have changed (a program installed, a variable set). */
  private async recheck(plugin: ManagedPlugin): Promise<void> {
    const unmet = unmetCondition(plugin.options.when, plugin.options.cwd);
    if (unmet && plugin.state !== 'disabled') {
      this.managed.delete(plugin.name);
      await this.retire(plugin);
      const fresh = this.createPlugin(plugin.options, plugin.latestGeneration);
      this.order.disable(fresh, unmet);
      this.managed.set(plugin.name, fresh);
    } else if (!unmet && plugin.state === 'disabled') {
      plugin.enable();
      if (plugin.options.start === 'eager') await this.order.startWhenReady(plugin, true);
    }
  }

  /** A plugin that left the config (or was replaced): it finishes what it has, bounded by its action timeout, then stops. */
  private async retire(plugin: ManagedPlugin): Promise<void> {
    this.retiring.add(plugin);
    this.lazy.forget(plugin);
    const until = Date.now() + plugin.options.timeouts.actionMs + plugin.options.timeouts.cancelGraceMs;
    while (!plugin.idle && Date.now() < until && !this.stopping) await delay(20);
    await plugin.stop();
    this.retiring.delete(plugin);
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
