import type { Cgroup } from './cgroup.js';
import type { GenerationGuard, GuardedLaunch, KernelVerdict, LaunchRequest, ResourceUsage } from './guard.js';
import { signalGroup } from '@plugd/protocol';
import { accessProblem } from '../security/path-access.js';
import type { RunAs } from '../security/run-as.js';
import { programKind } from './exec-identity.js';
import { decideGate } from './gate-decision.js';
import type { GateDecision } from './gate-decision.js';
import { gatedLaunch } from './node-gate-launch.js';
import { PendingRemovals } from './pending-removals.js';
import { StartingGenerations } from './starting-generations.js';
import { enterCgroupCommand } from './wrap-command.js';

/** Whoever a hand-written setpriv in the command turns the plugin into: only the "other" permission bits count. */
const ANY_USER: RunAs = { user: 'any user', uid: -1, gid: -1, groups: [], home: '/' };

/** Containment by one cgroup per generation: everything the plugin starts stays in it, whatever group or session it makes. */
export class CgroupGuard implements GenerationGuard {
  readonly mechanism = 'cgroup' as const;

  constructor(
    private readonly cgroup: Cgroup,
    private readonly memoryMiB: number | undefined,
    /** Called when the cgroup could not be removed (left for the next start to clean). */
    private readonly onLeftBehind: (path: string) => void,
    /** The Node gate (node-gate.cjs), when this install has it. */
    private readonly gateFile?: string,
    /** Told how the generation enters its cgroup: "through the Node gate", or the sh wrapper and why. */
    private readonly onEntry?: (how: string) => void,
    /** This plugd's generations starting now (the gate is for a start on its own). */
    private readonly starting: StartingGenerations = new StartingGenerations(),
    /** Where its removal is tracked until plugd stops. */
    private readonly removals: PendingRemovals = new PendingRemovals(),
  ) {}

  private counted = false;

  /**
   * A real Node binary, reached only through exec-only launchers and with nothing that
   * runs code before its first preload, enters through the Node gate: plugd moves it
   * while Node boots, and the gate holds plugin code until it is in. Anything else, the
   * sh wrapper, which moves itself before it execs the plugin.
   */
  launch(request: LaunchRequest): GuardedLaunch {
    const alone = this.starting.begin();
    this.counted = true;
    const decision: GateDecision = alone ? this.gateDecision(request) : { gate: false, why: 'other plugins are starting at the same time (their moves share grace periods)' };
    if (decision.gate) {
      this.onEntry?.('through the Node gate');
      const target = { gateFile: this.gateFile!, memberships: this.cgroup.memberships(), procsFiles: this.cgroup.procsFiles(), killFile: this.cgroup.killFile() };
      return gatedLaunch(request, decision.nodeAt, target);
    }
    this.onEntry?.(`through the sh wrapper (${decision.why})`);
    return { command: enterCgroupCommand(this.cgroup.procsFiles(), request.command, this.cgroup.killFile()), env: request.env };
  }

  private gateDecision(request: LaunchRequest): GateDecision {
    const gate = this.gateFile;
    if (!gate) return { gate: false, why: 'the Node gate file is missing from this install' };
    const decision = decideGate(request.command, request.env, (program) => programKind(program, request.cwd, request.env['PATH']));
    if (!decision.gate) return decision;
    // Node must be able to load the gate as the plugin's user (else it would fail to start).
    const who = request.runAs ?? (decision.changesUser ? ANY_USER : undefined);
    const blocked = who && accessProblem(gate, who, 'read');
    return blocked ? { gate: false, why: blocked } : decision;
  }

  started(): void {
    if (!this.counted) return;
    this.counted = false;
    this.starting.end();
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    this.cgroup.signal(signal);
    // A stop right after the spawn may come before the wrapper (or plugd's move, for the
    // Node gate) has put it in the cgroup: its own process group (it is spawned detached)
    // reaches it there. No plugin code has run yet then, so nothing else of it exists.
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

  release(_pid: number | undefined, exit: { code: number | null; signal: string | null }): KernelVerdict | undefined {
    this.started();
    // Read before removal: the counters go with the directory.
    const oom = exit.signal === 'SIGKILL' && this.cgroup.oomKills() > 0;
    // remove() kills at once (nothing of it outlives the exit report); emptying and removal go on meanwhile.
    this.removals.track(this.cgroup.remove().then((removed) => removed || this.onLeftBehind(this.cgroup.path)));
    if (!oom) return undefined;
    return { reason: 'out-of-memory', detail: `out of memory: ${this.memoryMiB !== undefined ? `limit ${this.memoryMiB} MiB` : 'the kernel killed it'}` };
  }
}
