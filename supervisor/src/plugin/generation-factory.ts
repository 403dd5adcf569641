import type { PluginOptions } from '../config/types.js';
import type { GenerationGuard } from '../containment/guard.js';
import type { ExitInfo } from '../process/exit-info.js';
import { PluginProcess } from '../process/plugin-process.js';
import type { PluginStatus } from './plugin-status.js';
import type { ManagedPlugin, ManagedPluginHooks } from './managed-plugin.js';

/**
 * Builds a plugin's generations with the hooks each gets: its containment guard,
 * launcher, scrub, trace listener, events and plugd/execute requests; and reads a
 * generation's resource usage from its guard.
 */
export class GenerationFactory {
  private readonly guards = new WeakMap<PluginProcess, GenerationGuard>();

  constructor(
    private readonly options: PluginOptions,
    private readonly hooks: ManagedPluginHooks,
    private readonly plugin: ManagedPlugin,
    private readonly onExit: (exit: ExitInfo, proc: PluginProcess) => void,
    /** Tells what a generation said (its spawn, stderr, logs); a held speculative one's is kept back (Speculation). */
    private readonly relay: (proc: PluginProcess, report: () => void) => void = (_proc, report) => report(),
  ) {}

  create(generation: number): PluginProcess {
    const { hooks, options } = this;
    const name = options.name;
    const guard = hooks.guardFor?.(options, generation);
    const proc = new PluginProcess(
      options,
      generation,
      { username: hooks.username, trace: hooks.traceLevel(name), ...(hooks.launcher ? { launcher: hooks.launcher } : {}), ...(hooks.scrub ? { scrub: hooks.scrub } : {}), ...(hooks.pingClock ? { pingClock: hooks.pingClock } : {}) },
      {
        onSpawn: (p) => this.relay(p, () => hooks.emit('spawn', { plugin: name, generation: p.generation, pid: p.pid })),
        onStderr: (line, p) => this.relay(p, () => hooks.emit('stderr', { plugin: name, generation: p.generation, pid: p.pid, line })),
        onLog: (params, p) => this.relay(p, () => hooks.emit('log', { plugin: name, generation: p.generation, pid: p.pid, ...params })),
        onExit: (exit, p) => this.onExit(exit, p),
        ...(guard ? { guard } : {}),
        onRequest: (method, params, p) => hooks.onRequest?.(this.plugin, method, params, p),
      },
    );
    if (guard) this.guards.set(proc, guard);
    // The listener needs the process (pid, generation), so it is attached after construction.
    proc.setFrameListener(hooks.frameListener(name, proc));
    return proc;
  }

  /** Memory, CPU time and processes of a generation's whole tree or cgroup. */
  usage(proc: PluginProcess | undefined): PluginStatus['resources'] {
    if (!proc || proc.state === 'exited') return undefined;
    return this.guards.get(proc)?.usage(proc.pid);
  }
}
