import type { Cgroup } from './cgroup.js';
import type { GenerationGuard, KernelVerdict, ResourceUsage } from './guard.js';
import { signalGroup } from '@plugd/protocol';
import { enterCgroupCommand } from './wrap-command.js';

/** Containment by one cgroup per generation: everything the plugin starts stays in it, whatever group or session it makes. */
export class CgroupGuard implements GenerationGuard {
  readonly mechanism = 'cgroup' as const;

  constructor(
    private readonly cgroup: Cgroup,
    private readonly memoryMiB: number | undefined,
    /** Called when the cgroup could not be removed (left for the next start to clean). */
    private readonly onLeftBehind: (path: string) => void,
  ) {}

  wrap(command: readonly string[]): readonly string[] {
    return enterCgroupCommand(this.cgroup.procsFiles(), command, this.cgroup.killFile());
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    this.cgroup.signal(signal);
    // A stop right after the spawn may come before the wrapper has joined the cgroup: its
    // own process group (it is spawned detached) reaches it there.
    signalGroup(pid, signal);
  }

  snapshot(): void {
    // The cgroup remembers for us.
  }

  onProcessGroup(): void {
    // The cgroup holds every group the plugin makes: nothing to track.
  }

  usage(): ResourceUsage {
    return this.cgroup.usage();
  }

  async release(_pid: number | undefined, exit: { code: number | null; signal: string | null }): Promise<KernelVerdict | undefined> {
    // Read before removal: the counters go with the directory.
    const oom = exit.signal === 'SIGKILL' && this.cgroup.oomKills() > 0;
    if (!(await this.cgroup.remove())) this.onLeftBehind(this.cgroup.path);
    if (!oom) return undefined;
    return { reason: 'out-of-memory', detail: `out of memory: ${this.memoryMiB !== undefined ? `limit ${this.memoryMiB} MiB` : 'the kernel killed it'}` };
  }
}
