import { ErrorIds, errorObservation } from '@plugd/protocol';
import type { Action, Observation } from '@plugd/protocol';
import type { SupervisorConfig } from '../config/types.js';
import type { SupervisorEvents } from '../events.js';
import type { CompositionCounts } from '../compose/composition-counts.js';
import { effectiveRules, isIdempotent } from '../compose/idempotency.js';
import type { LazyStart } from '../compose/lazy-start.js';
import { pickPlugin } from '../compose/pick-plugin.js';
import type { CallContext } from '../compose/plugin-call.js';
import { CALL_TOOL_MCP, routeToolCall } from '../mcp/call-tool-route.js';
import { asOpenHandsTimeout } from '../mcp/mcp-observation.js';
import type { ManagedPlugin } from '../plugin/managed-plugin.js';
import type { SubmitOptions } from '../plugin/action-queue.js';
import type { Redactor } from '../trace/redact.js';
import type { RouteTable } from './route-table.js';
import type { SessionState } from './session-state.js';

export interface DispatchHost {
  /** The running plugins by name (the supervisor's own map: changes show at once). */
  readonly plugins: ReadonlyMap<string, ManagedPlugin>;
  /** The shell's cwd, passed on to every plugin in `run` params. */
  readonly session: SessionState;
  readonly redactor: Redactor;
  readonly lazy: LazyStart;
  readonly counts: CompositionCounts;
  config(): SupervisorConfig;
  routes(): RouteTable;
  mcpServers(): { name: string; state: string; tools: ManagedPlugin['tools'] }[];
  emit<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void;
}

/** Where an action goes: the plugins it may run on, in order (re-read on each try). */
interface Route {
  /** A call_tool_mcp routed by tool name to one MCP server. */
  readonly mcp: boolean;
  chain(): ManagedPlugin[];
}

/** What a client's action carries besides the action: a cancel signal, a progress sink. */
export interface ClientOptions {
  /** The client cancelled the action (an MCP client's notifications/cancelled). */
  readonly signal?: AbortSignal | undefined;
  /** Receives the plugin's progress reports while the action runs. */
  readonly onProgress?: SubmitOptions['onProgress'];
}

const NONE: ReadonlySet<string> = new Set();

/** One try of an action on a plugin of its route, and its answer. */
interface Attempt {
  readonly managed: ManagedPlugin;
  readonly chain: readonly ManagedPlugin[];
  readonly observation: Observation;
}

/** A generation serves now: the common case, routed without building candidates. */
const serving = (p: ManagedPlugin): boolean => p.state === 'ready' || p.state === 'reloading';

/** The path of one validated action to the plugin that answers it. */
export class ActionDispatcher {
  constructor(private readonly host: DispatchHost) {}

  /**
   * One action, from a client or from a plugin (plugd/execute): routed (call_tool_mcp by
   * tool name, else by type with the route's fallbacks), run with the session, its error
   * text scrubbed of secret values; a run observation updates the session's cwd.
   */
  dispatch(action: Action, acceptedAt: number, call: CallContext | undefined, explicitMs?: number, client?: ClientOptions): Promise<Observation> {
    try {
      return this.start(action, acceptedAt, call, explicitMs, client);
    } catch (error) {
      // A promise either way, as an async function would give: never a synchronous throw.
      return Promise.reject(error);
    }
  }

  private start(action: Action, acceptedAt: number, call: CallContext | undefined, explicitMs: number | undefined, client: ClientOptions | undefined): Promise<Observation> {
    const route = this.route(action);
    if ('observation' in route) return Promise.resolve(route);
    const chain = route.chain();
    const first = chain[0];
    if (!first) return Promise.resolve(this.noPlugin(action.action));
    const deadline = call?.deadline ?? acceptedAt + (explicitMs ?? first.options.timeouts.actionMs);
    const options: SubmitOptions = { session: this.host.session, cancel: call?.signal ?? client?.signal, caller: call?.caller, onProgress: client?.onProgress };
    if (chain.length > 1 || !serving(first)) return this.runOnRoute(action, acceptedAt, deadline, route, options);
    // The common case, one plugin that serves: no candidates, no loop; only an error
    // answer (that may be retried or go on to a fallback) takes the full path.
    return first
      .submit(action, acceptedAt, deadline, options)
      .then((observation) =>
        observation.observation === 'error'
          ? this.runOnRoute(action, acceptedAt, deadline, route, options, { managed: first, chain, observation })
          : this.answer(action, observation, route, deadline - acceptedAt),
      );
  }

  /** The plugin's answer as the caller gets it: scrubbed, MCP timeouts as OpenHands words them, the session's cwd noted. */
  private answer(action: Action, answered: Observation, route: Route, timeoutMs: number): Observation {
    const scrubbed = this.scrubError(answered);
    const observation = route.mcp ? asOpenHandsTimeout(action, scrubbed, timeoutMs) : scrubbed;
    this.host.session.observe(observation);
    return observation;
  }

  /** call_tool_mcp goes to the MCP server that has the tool; any other type to its route. */
  private route(action: Action): Route | Observation {
    if (action.action === CALL_TOOL_MCP) {
      const servers = this.host.mcpServers();
      if (servers.length > 0) {
        const routed = routeToolCall(action, servers);
        if ('observation' in routed) return routed;
        return {
          mcp: true,
          chain: () => {
            const server = this.host.plugins.get(routed.server);
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
  private async runOnRoute(action: Action, acceptedAt: number, deadline: number, route: Route, options: SubmitOptions, answered?: Attempt): Promise<Observation> {
    // Filled only when a plugin refused (PLUGIN_UNAVAILABLE) and the next one is tried.
    let tried: Set<string> | undefined;
    const cancel = options.cancel;
    let retried = false;
    let next = answered;
    for (;;) {
      let attempt = next;
      next = undefined;
      if (!attempt) {
        const chain = route.chain();
        const managed = await this.pick(chain, tried ?? NONE);
        if (!managed) return this.noPlugin(action.action);
        attempt = { managed, chain, observation: await managed.submit(action, acceptedAt, deadline, options) };
      }
      const { managed, chain, observation } = attempt;
      const primary = chain[0]!;
      const error = observation.observation === 'error' ? (observation.extras as { error_id?: unknown }).error_id : undefined;
      if (managed !== primary && error !== ErrorIds.PLUGIN_UNAVAILABLE) {
        this.host.counts.of(managed.name).servedAsFallback += 1;
        this.host.emit('fallback', { type: action.action, plugin: managed.name, primary: primary.name, primaryState: primary.state });
      }
      // The clock is read only for the answers that may be tried again.
      const left = error === undefined ? 0 : deadline - Date.now();
      if (error === ErrorIds.PLUGIN_UNAVAILABLE && left > 0 && !cancel?.aborted) {
        const refused = (tried ??= new Set<string>()).add(managed.name);
        if (chain.some((p) => !refused.has(p.name))) continue;
      }
      if (error === ErrorIds.PLUGIN_CRASHED && !retried && left > 0 && !cancel?.aborted && this.idempotent(managed, action)) {
        retried = true;
        this.host.counts.of(managed.name).retried += 1;
        this.host.emit('retry', { type: action.action, plugin: managed.name, reason: this.host.redactor.scrub(observation.content.split('\n')[0] ?? '') });
        continue;
      }
      return this.answer(action, observation, route, deadline - acceptedAt);
    }
  }

  /** The plugin of `chain` to try next (see pickPlugin), woken first when it is stopped and may start. */
  private async pick(chain: readonly ManagedPlugin[], tried: ReadonlySet<string>): Promise<ManagedPlugin | undefined> {
    const plugin = pickPlugin(chain.map((p) => this.host.lazy.candidate(p)), tried);
    const managed = plugin && chain.find((p) => p.name === plugin.name);
    if (!plugin || !managed) return undefined;
    if (this.host.lazy.needsWake(managed, plugin.startable)) await this.host.lazy.wake(managed);
    return managed;
  }

  /** The plugins of a route, in order: the claimant (or the configured first) and its fallbacks. */
  private candidates(type: string): ManagedPlugin[] {
    const config = this.host.config();
    const names: string[] = [];
    const first = this.pluginFor(type)?.name ?? config.routes[type];
    if (first !== undefined) names.push(first);
    for (const name of config.fallbacks[type] ?? []) if (!names.includes(name)) names.push(name);
    return names.map((name) => this.host.plugins.get(name)).filter((p): p is ManagedPlugin => p !== undefined);
  }

  /**
   * The plugin that handles `type`: the one that claimed it, else the one `routes` names
   * while it is not serving (it has not said what it handles yet; the action waits for it
   * or is answered PLUGIN_UNAVAILABLE with the reason, never NO_PLUGIN_FOR_ACTION).
   */
  private pluginFor(type: string): ManagedPlugin | undefined {
    const claimed = this.host.routes().lookup(type);
    if (claimed !== undefined) return this.host.plugins.get(claimed);
    const routes = this.host.config().routes;
    const routed = Object.hasOwn(routes, type) ? this.host.plugins.get(routes[type]!) : undefined;
    if (!routed || routed.state === 'ready' || routed.state === 'reloading') return undefined;
    return routed;
  }

  private idempotent(plugin: ManagedPlugin, action: Action): boolean {
    const declared = plugin.current?.initResult?.idempotent ?? plugin.lastIdempotent ?? [];
    return isIdempotent(effectiveRules(declared, plugin.options.idempotent), action);
  }

  /** An error Observation is text plugd wrote (crash reports quote stderr): no secret value in it. */
  private scrubError(observation: Observation): Observation {
    if (observation.observation !== 'error') return observation;
    const content = this.host.redactor.scrub(observation.content);
    return content === observation.content ? observation : { ...observation, content };
  }

  private noPlugin(type: string): Observation {
    const handled = this.host.routes().types();
    const down = [...this.host.plugins.values()].filter((p) => p.state !== 'ready' && p.state !== 'reloading').map((p) => `${p.name} (${p.state})`);
    return errorObservation(
      ErrorIds.NO_PLUGIN_FOR_ACTION,
      `No loaded plugin handles action type "${type}". Handled types: ${handled.join(', ') || '(none)'}.${down.length ? ` Plugins not serving: ${down.join(', ')}.` : ''}`,
    );
  }
}
