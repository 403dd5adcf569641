/**
 * Where plugd may make cgroups: parsed from /proc/self/mountinfo and /proc/self/cgroup
 * (pure functions, unit-tested on sample text), then checked against the real files.
 * Handles pure cgroup v2, v1 controllers, and the hybrid of both (a v2 tree mounted
 * beside v1 controllers, e.g. at /sys/fs/cgroup/unified).
 */

export type Controller = 'memory' | 'pids' | 'cpu' | 'cpuacct' | 'freezer';
const CONTROLLERS: readonly Controller[] = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'];

export interface Hierarchy {
  readonly version: 1 | 2;
  /** plugd's own cgroup in this hierarchy (an absolute directory). */
  readonly dir: string;
  /** The same cgroup as /proc/<pid>/cgroup names it (its path within the hierarchy), e.g. "/" or "/system.slice/plugd.service". */
  readonly path: string;
  /** v1: the controllers mounted here; v2: those available in plugd's own cgroup. */
  readonly controllers: readonly string[];
}

export interface CgroupMounts {
  readonly v2?: Hierarchy;
  readonly v1: Partial<Record<Controller, Hierarchy>>;
}

interface Mount {
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly superOptions: readonly string[];
}

/** `/proc/self/mountinfo` lines: "id parent maj:min root mountpoint opts [tags] - fstype source superopts". */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    mounts.push({ root: unescape(left[3]!), mountPoint: unescape(left[4]!), fsType: right[0]!, superOptions: right[2]!.split(',') });
  }
  return mounts;
}

/** `/proc/self/cgroup` lines "id:controllers:path"; v2 is the line "0::path". */
export function parseSelfCgroup(text: string): { v2?: string; v1: Map<string, string> } {
  let v2: string | undefined;
  const v1 = new Map<string, string>();
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (line.slice(0, first) === '0' && controllers === '') v2 = path;
    else for (const c of controllers.split(',')) if (c) v1.set(c, path);
  }
  return { ...(v2 !== undefined ? { v2 } : {}), v1 };
}

/**
 * plugd's own cgroup directory in each mounted hierarchy. A mount whose root is not
 * an ancestor of plugd's cgroup (another namespace's view) is skipped.
 */
export function findHierarchies(mountInfo: string, selfCgroup: string, v2Controllers: (dir: string) => readonly string[] = () => []): CgroupMounts {
  const own = parseSelfCgroup(selfCgroup);
  const v1: Partial<Record<Controller, Hierarchy>> = {};
  let v2: Hierarchy | undefined;
  for (const mount of parseMountInfo(mountInfo)) {
    if (mount.fsType === 'cgroup2' && own.v2 !== undefined && !v2) {
      const dir = ownDir(mount, own.v2);
      if (dir) v2 = { version: 2, dir, path: own.v2, controllers: v2Controllers(dir) };
    } else if (mount.fsType === 'cgroup') {
      const mounted = mount.superOptions.filter((o) => CONTROLLERS.includes(o as Controller)) as Controller[];
      for (const controller of mounted) {
        const path = own.v1.get(controller);
        const dir = path === undefined ? undefined : ownDir(mount, path);
        if (dir && path !== undefined && !v1[controller]) v1[controller] = { version: 1, dir, path, controllers: mounted };
      }
    }
  }
  return { ...(v2 ? { v2 } : {}), v1 };
}

function ownDir(mount: Mount, path: string): string | undefined {
  const root = mount.root === '/' ? '' : mount.root;
  if (root && path !== root && !path.startsWith(`${root}/`)) return undefined;
  const rest = path.slice(root.length).replace(/^\/+/, '');
  return rest ? `${mount.mountPoint}/${rest}` : mount.mountPoint;
}

/** Octal escapes (\040 for a space) in mountinfo paths. */
function unescape(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Which hierarchy serves each role of a plugin cgroup. */
export interface CgroupPlan {
  /** Process list, kill and freeze: v2 when mounted (cgroup.kill), else a v1 one. */
  readonly main: Hierarchy;
  readonly memory?: Hierarchy;
  readonly pids?: Hierarchy;
  readonly cpu?: Hierarchy;
  /** CPU time used: v2 `cpu.stat` (always there) or v1 `cpuacct.usage`. */
  readonly cpuTime?: Hierarchy;
  /** v1 freezer, for a kill without cgroup.kill or cgroup.freeze. */
  readonly freezer?: Hierarchy;
}

/** Prefers v2 for every controller it has; v1 for the rest. Undefined when nothing is mounted. */
export function planCgroups(mounts: CgroupMounts): CgroupPlan | undefined {
  const v2 = mounts.v2;
  const pick = (c: Controller): Hierarchy | undefined => (v2?.controllers.includes(c) ? v2 : mounts.v1[c]);
  const main = v2 ?? mounts.v1.freezer ?? mounts.v1.pids ?? mounts.v1.memory ?? mounts.v1.cpuacct;
  if (!main) return undefined;
  const memory = pick('memory');
  const pids = pick('pids');
  const cpu = pick('cpu');
  const cpuTime = v2 ?? mounts.v1.cpuacct;
  const freezer = v2 ? undefined : mounts.v1.freezer;
  return { main, ...(memory ? { memory } : {}), ...(pids ? { pids } : {}), ...(cpu ? { cpu } : {}), ...(cpuTime ? { cpuTime } : {}), ...(freezer ? { freezer } : {}) };
}

/** The distinct hierarchies a plan uses, main first: one directory each per plugin generation. */
export function planHierarchies(plan: CgroupPlan): Hierarchy[] {
  const all = [plan.main, plan.memory, plan.pids, plan.cpu, plan.cpuTime, plan.freezer].filter((h): h is Hierarchy => h !== undefined);
  return all.filter((h, i) => all.findIndex((o) => o.dir === h.dir) === i);
}

/** One line for the log: which hierarchy does what. */
export function describePlan(plan: CgroupPlan): string {
  const where = (h: Hierarchy | undefined) => (h ? `v${h.version} ${h.dir}` : 'none');
  const kind = plan.main.version === 2 && [plan.memory, plan.pids, plan.cpu].every((h) => !h || h.version === 2) ? 'cgroup v2' : plan.main.version === 2 ? 'cgroup v2 + v1 controllers (hybrid)' : 'cgroup v1';
  return `${kind}: processes/kill ${where(plan.main)}, memory ${where(plan.memory)}, pids ${where(plan.pids)}, cpu ${where(plan.cpu)}`;
}
