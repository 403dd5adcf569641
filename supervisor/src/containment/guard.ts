import type { ExitReason } from '../process/exit-info.js';
import type { RunAs } from '../security/run-as.js';

/** What one plugin generation uses now: its whole tree (or cgroup), not only the top pid. */
export interface ResourceUsage {
  readonly memoryBytes: number;
  readonly cpuSeconds: number;
  readonly processes: number;
}

/** What the kernel did to a plugin that exited on its own (an out-of-memory kill). */
export interface KernelVerdict {
  readonly reason: ExitReason;
  readonly detail: string;
}

/** What a generation is about to be spawned with. */
export interface LaunchRequest {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The user it runs as, when not plugd's own (through setpriv, in `command`). */
  readonly runAs?: RunAs;
}

/** What to spawn instead, and what to do with the pid as soon as it is known. */
export interface GuardedLaunch {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Called right after the spawn (the Node gate's move into the cgroup); rejects when that fails. */
  readonly afterSpawn?: (pid: number) => Promise<void>;
}

/**
 * How one plugin generation is contained: a cgroup, or its process groups plus a
 * /proc walk. PluginProcess calls these small hooks; everything else lives here.
 */
export interface GenerationGuard {
  readonly mechanism: 'cgroup' | 'process-group';
  /**
   * How to spawn it (wrappers compose: this one goes outermost): as asked, through the sh
   * wrapper that enters the cgroup, or for a Node plugin the Node gate plus a move after the spawn.
   */
  launch(request: LaunchRequest): GuardedLaunch;
  /** Signals everything the plugin started (the plugin is `pid`). */
  signal(pid: number, signal: NodeJS.Signals): void;
  /** The plugin told plugd about a process group it created (`plugd/processGroup`). */
  onProcessGroup(pid: number, pgid: number, alive: boolean): void;
  /** A graceful stop begins: remember the tree now, while the plugin is still its parent. */
  snapshot(pid: number): void;
  usage(pid: number | undefined): ResourceUsage | undefined;
  /** The generation is no longer starting: it answered initialize, or its start failed. */
  started(): void;
  /**
   * After the plugin exited: kills whatever is left now and says if the kernel killed it
   * for memory. Freeing the cgroup finishes in the background (Containment.close waits).
   */
  release(pid: number | undefined, exit: { code: number | null; signal: string | null }): KernelVerdict | undefined;
}
