import type { Logger } from 'pino';
import type { PluginOptions, SupervisorConfig } from '../config/types.js';
import type { Containment } from '../containment/containment.js';
import type { ProcessLauncher } from '../process/launcher.js';
import type { PingClock } from '../process/ping-clock.js';
import { secretValues } from '../security/secret-values.js';
import type { Redactor } from '../trace/redact.js';
import type { TraceHub } from '../trace/trace-hub.js';
import { ManagedPlugin } from './managed-plugin.js';
import type { ManagedPluginHooks } from './managed-plugin.js';

export interface PluginFactoryDeps {
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly trace: TraceHub;
  readonly containment: Containment;
  /** How plugin processes are run; real processes unless a test injects a fake. */
  readonly launcher?: ProcessLauncher;
  /** One liveness timer for all the plugins (ping-clock.ts). */
  readonly pingClock?: PingClock;
  config(): SupervisorConfig;
  emit: ManagedPluginHooks['emit'];
  claimRoutes(name: string, actions: readonly string[]): string | undefined;
  onRequest: NonNullable<ManagedPluginHooks['onRequest']>;
}

/**
 * Every plugin, whether it started with plugd or came later (config reload,
 * POST /update_mcp_server), gets these hooks: its secret values scrubbed, its
 * generations contained (real processes) and its plugd/execute requests served.
 */
export class PluginFactory {
  constructor(private readonly deps: PluginFactoryDeps) {}

  create(options: PluginOptions, firstGeneration = 0): ManagedPlugin {
    const { deps } = this;
    const config = deps.config();
    deps.redactor.learn(secretValues({ server: config.server, redact: config.redact, plugins: [options] }));
    const launcher = deps.launcher;
    return new ManagedPlugin(options, {
      logger: deps.logger,
      username: config.username,
      scrub: (text) => deps.redactor.scrub(text),
      // The supervisor's own (bound) emitter: an event per action, no wrapper of its own.
      emit: deps.emit,
      claimRoutes: (name, actions) => deps.claimRoutes(name, actions),
      traceLevel: (name) => deps.trace.level(name),
      frameListener: (name, proc) => deps.trace.listenerFor(name, proc),
      lastFrames: (name) => deps.trace.lastFrames(name),
      onRequest: (plugin, method, params, proc) => deps.onRequest(plugin, method, params, proc),
      firstGeneration,
      // A test's fake processes get no cgroups; real ones are contained.
      ...(launcher ? { launcher } : { guardFor: (plugin, generation) => deps.containment.forGeneration(plugin, generation) }),
      sampleIntervalMs: deps.containment.options.sampleIntervalMs,
      ...(deps.pingClock ? { pingClock: deps.pingClock } : {}),
    });
  }
}
