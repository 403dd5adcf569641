import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ContainmentOptions, PluginOptions } from '../config/types.js';
import { PlugdError, errorMessage } from '../errors.js';
import { writeText } from './cgroup-fs.js';
import { Cgroup } from './cgroup.js';
import { CgroupGuard } from './cgroup-guard.js';
import { PendingRemovals } from './pending-removals.js';
import { StartingGenerations } from './starting-generations.js';
import type { GenerationGuard } from './guard.js';
import { describePlan, findHierarchies, planCgroups, planHierarchies } from './layout.js';
import { nodeGateFile } from './node-gate-launch.js';
import type { CgroupMounts, CgroupPlan } from './layout.js';
import { readText, removeCgroupTree } from './cgroup-fs.js';
import { cleanStale, instanceName } from './stale.js';
import { TreeGuard } from './tree-guard.js';

let instances = 0;

/**
 * One supervisor's containment: detects at start whether it can make cgroups (and
 * which layout), cleans up after a plugd that died, and hands each plugin generation
 * its guard: a cgroup of its own, or the process-group + /proc fallback.
 */
export class Containment {
  private plan: CgroupPlan | undefined;
  private readonly instance = instanceName(++instances);
  private prepared: Promise<void> | undefined;
  private readonly warned = new Set<string>();
  private readonly starting = new StartingGenerations();
  private readonly removals = new PendingRemovals();
  description = 'not started';

  constructor(
    readonly options: ContainmentOptions,
    private readonly logger: Logger,
  ) {}

  get mechanism(): 'cgroup' | 'process-group' {
    return this.plan ? 'cgroup' : 'process-group';
  }

  /** Detects, cleans stale cgroups, logs one line saying which mechanism is in use. */
  prepare(): Promise<void> {
    this.prepared ??= this.runPrepare();
    return this.prepared;
  }

  /** The guard for a new generation; a cgroup that cannot be made falls back to the process tree (and says so). */
  forGeneration(plugin: PluginOptions, generation: number): GenerationGuard {
    const plan = this.plan;
    if (!plan) {
      const asked = Object.entries(plugin.limits ?? {}).filter(([k, v]) => v !== undefined && k !== 'memoryRestartMiB');
      if (asked.length > 0) this.warnOnce(plugin.name, `plugin ${plugin.name}: limits ${asked.map(([k, v]) => `${k} ${v}`).join(', ')} are not enforced: no usable cgroups (${this.description}); only memoryRestartMiB works without them`);
      return new TreeGuard();
    }
    const cgroup = new Cgroup(plan, join(this.options.cgroupName, this.instance, `${plugin.name}.g${generation}`), plugin.limits ?? {});
    try {
      const unenforced = cgroup.create();
      if (unenforced.length > 0) this.warnOnce(plugin.name, `plugin ${plugin.name}: ${unenforced.join(', ')} not enforced: this machine's cgroups have no such controller (${this.description})`);
    } catch (error) {
      this.removals.track(cgroup.remove());
      this.logger.error({ plugin: plugin.name, err: errorMessage(error) }, `plugin ${plugin.name}: cannot make its cgroup (${errorMessage(error)}); this generation is contained by process groups only`);
      return new TreeGuard();
    }
    return new CgroupGuard(
      cgroup,
      plugin.limits?.memoryMiB,
      (path) => this.logger.warn({ plugin: plugin.name, cgroup: path }, `plugin ${plugin.name}: its cgroup ${path} still had processes and was left; the next plugd start removes it`),
      nodeGateFile(),
      (how) => this.logger.debug({ plugin: plugin.name, generation }, `plugin ${plugin.name}: generation ${generation} enters its cgroup ${how}`),
      this.starting,
      this.removals,
    );
  }

  /** Resolves once the cgroups of the generations that exited so far are emptied and removed. */
  removed(): Promise<void> {
    return this.removals.settled();
  }

  /** After every plugin stopped: waits for the exited generations' cgroups to go, removes this instance's directories. */
  async close(): Promise<void> {
    await this.removed();
    this.removeInstance();
  }

  private removeInstance(): void {
    if (!this.plan) return;
    for (const h of planHierarchies(this.plan)) {
      removeCgroupTree(join(h.dir, this.options.cgroupName, this.instance));
      // The shared parent goes too once no other plugd uses it.
      try {
        rmdirSync(join(h.dir, this.options.cgroupName));
      } catch {
        // another plugd's cgroups are in it
      }
    }
  }

  private async runPrepare(): Promise<void> {
    if (this.options.mode === 'process-group') {
      this.description = 'cgroups off by config (containment: "process-group")';
      this.logger.info(`containment: process groups + /proc descendant walk (${this.description})`);
      return;
    }
    const found = this.detect();
    if (typeof found === 'string') {
      this.description = found;
      if (this.options.mode === 'cgroup') throw new PlugdError('CONTAINMENT_UNAVAILABLE', `containment "cgroup" was asked for, but ${found}. Run plugd as root or in a delegated cgroup, or set containment to "auto"`);
      this.logger.info(`containment: process groups + /proc descendant walk (no usable cgroups: ${found})`);
      return;
    }
    this.plan = found;
    this.description = describePlan(found);
    const stale = await cleanStale(planHierarchies(found), this.options.cgroupName);
    this.logger.info({ containment: 'cgroup', instance: this.instance }, `containment: one cgroup per plugin generation (${this.description}), under ${this.options.cgroupName}/${this.instance}`);
    if (!nodeGateFile()) this.logger.warn('containment: the Node gate (node-gate.cjs) is missing from this install: every plugin enters its cgroup through the sh wrapper, slower for Node plugins (docs/containment.md)');
    if (stale.cgroups > 0) {
      // Empty leftovers are routine after a SIGKILL (the plugins killed their own); live processes are news.
      this.logger[stale.processes > 0 ? 'warn' : 'info'](
        { stale },
        `removed ${stale.cgroups} cgroup(s) left by a plugd that died (pid ${stale.owners.join(', ')}), killing ${stale.processes} process(es) still in them${stale.leftBehind.length ? `; could not remove ${stale.leftBehind.join(', ')}` : ''}`,
      );
    }
  }

  /** The plan, or why there is none. */
  private detect(): CgroupPlan | string {
    let mounts: CgroupMounts;
    try {
      const mountInfo = readFileSync('/proc/self/mountinfo', 'utf8');
      const self = readFileSync('/proc/self/cgroup', 'utf8');
      mounts = findHierarchies(mountInfo, self, (dir) => (readText(join(dir, 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter(Boolean));
    } catch (error) {
      return `cannot read /proc (${errorMessage(error)})`;
    }
    if (mounts.v2) mounts = { ...mounts, v2: { ...mounts.v2, controllers: this.enableV2Controllers(mounts.v2.dir, mounts.v2.controllers) } };
    const plan = planCgroups(mounts);
    if (!plan) return 'no cgroup filesystem is mounted';
    try {
      for (const h of planHierarchies(plan)) {
        makeDir(join(h.dir, this.options.cgroupName, this.instance));
        if (h.version === 2) this.delegate(h.dir, plan);
      }
    } catch (error) {
      this.removeInstance();
      return `cannot make a cgroup under ${plan.main.dir} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`;
    }
    return plan;
  }

  /**
   * v2 controllers must be enabled in each parent's cgroup.subtree_control. plugd's
   * own cgroup refuses when it holds processes and is not the root ("no internal
   * processes"): those controllers then come from v1 if mounted, else go unenforced.
   */
  private enableV2Controllers(dir: string, available: readonly string[]): string[] {
    const enabled: string[] = [];
    for (const c of ['memory', 'pids', 'cpu'].filter((c) => available.includes(c))) {
      try {
        writeText(join(dir, 'cgroup.subtree_control'), `+${c}`);
        enabled.push(c);
      } catch {
        // left to v1, or unenforced
      }
    }
    return enabled;
  }

  /** Passes the enabled v2 controllers down to the instance's children. */
  private delegate(ownDir: string, plan: CgroupPlan): void {
    const wanted = (['memory', 'pids', 'cpu'] as const).filter((c) => plan[c]?.version === 2);
    if (wanted.length === 0) return;
    for (const dir of [join(ownDir, this.options.cgroupName), join(ownDir, this.options.cgroupName, this.instance)]) {
      writeText(join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
    }
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}

/** mkdir -p that survives another plugd removing the shared parent (cgroupName) at the same moment. */
function makeDir(dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dir, { recursive: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
    }
  }
}
