/** The pure parts of containment, without a cgroup: layout detection, limit files, the wrapper, the memory policy, config. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from '@plugd/supervisor';
import { findHierarchies, planCgroups, describePlan } from '../src/containment/layout.js';
import { limitFiles } from '../src/containment/limit-files.js';
import { MemoryWatch } from '../src/containment/memory-watch.js';
import { parseStat } from '../src/containment/proc-table.js';
import { enterCgroupCommand } from '../src/containment/wrap-command.js';

const HYBRID_MOUNTS = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const HYBRID_SELF = `8:pids:/
6:freezer:/
4:memory:/sandbox/abc
2:cpuacct:/
1:cpu:/
0::/`;
const V2_MOUNTS = `29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`;
const V2_SELF = '0::/system.slice/plugd.service';

describe('cgroup layout detection', () => {
  it('finds a hybrid layout: kill in the v2 tree, memory/pids/cpu from v1 under plugd\'s own cgroup', () => {
    const plan = planCgroups(findHierarchies(HYBRID_MOUNTS, HYBRID_SELF, () => ['hugetlb']))!;
    expect(plan.main).toMatchObject({ version: 2, dir: '/sys/fs/cgroup/unified' });
    expect(plan.memory).toMatchObject({ version: 1, dir: '/sys/fs/cgroup/memory/sandbox/abc' });
    expect(plan.pids).toMatchObject({ version: 1, dir: '/sys/fs/cgroup/pids' });
    expect(plan.cpu).toMatchObject({ version: 1, dir: '/sys/fs/cgroup/cpu' });
    expect(plan.cpuTime?.version).toBe(2);
    expect(describePlan(plan)).toContain('hybrid');
  });

  it('uses v2 for everything on a modern host', () => {
    const plan = planCgroups(findHierarchies(V2_MOUNTS, V2_SELF, () => ['cpuset', 'cpu', 'io', 'memory', 'pids']))!;
    for (const role of ['main', 'memory', 'pids', 'cpu'] as const) expect(plan[role]).toMatchObject({ version: 2, dir: '/sys/fs/cgroup/system.slice/plugd.service' });
    expect(describePlan(plan)).toMatch(/^cgroup v2:/);
  });

  it('finds nothing without a cgroup mount, and skips a mount whose root does not hold plugd', () => {
    expect(planCgroups(findHierarchies('', V2_SELF))).toBeUndefined();
    const otherRoot = V2_MOUNTS.replace(' / /sys/fs/cgroup', ' /other /sys/fs/cgroup');
    expect(planCgroups(findHierarchies(otherRoot, V2_SELF))).toBeUndefined();
  });
});

describe('limit files', () => {
  it('writes v2 files, with swap off so the limit ends in an out-of-memory kill', () => {
    expect(limitFiles({ memoryMiB: 64, pids: 20, cpuPercent: 50 }, { memory: 2, pids: 2, cpu: 2 })).toEqual({
      files: [
        { controller: 'memory', file: 'memory.max', value: String(64 * 1024 * 1024) },
        { controller: 'memory', file: 'memory.swap.max', value: '0', optional: true },
        { controller: 'pids', file: 'pids.max', value: '20' },
        { controller: 'cpu', file: 'cpu.max', value: '50000 100000' },
      ],
      unenforced: [],
    });
  });

  it('writes v1 files (memsw after limit_in_bytes) and names the limits no controller enforces', () => {
    const { files, unenforced } = limitFiles({ memoryMiB: 1, pids: 5, cpuPercent: 200 }, { memory: 1 });
    expect(files.map((f) => `${f.file}=${f.value}`)).toEqual(['memory.limit_in_bytes=1048576', 'memory.memsw.limit_in_bytes=1048576']);
    expect(unenforced).toEqual(['pids (5)', 'cpuPercent (200)']);
    expect(limitFiles({ cpuPercent: 150 }, { cpu: 1 }).files.map((f) => f.value)).toEqual(['100000', '150000']);
  });
});

describe('the cgroup wrapper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugd-wrap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes its own pid into every procs file, then execs the command with the same pid (and a quoted path stays one argument)', () => {
    const files = [join(dir, 'a procs'), join(dir, "b'procs")];
    const [file, ...args] = enterCgroupCommand(files, ['sh', '-c', 'echo $$ "$PLUGD_CGROUP_PID"'], join(dir, 'kill'));
    const out = execFileSync(file!, args, { encoding: 'utf8' });
    const [pid, told] = out.trim().split(' ');
    expect(readFileSync(files[0]!, 'utf8').trim()).toBe(pid);
    expect(readFileSync(files[1]!, 'utf8').trim()).toBe(pid);
    expect(told).toBe(pid);
  });

  it('refuses to run the plugin when it cannot enter its cgroup', () => {
    const command = enterCgroupCommand([join(dir, 'missing', 'cgroup.procs')], ['touch', join(dir, 'ran')]);
    expect(() => execFileSync(command[0]!, command.slice(1), { stdio: 'pipe' })).toThrow(/cannot move the plugin into its cgroup/);
    expect(() => readFileSync(join(dir, 'ran'))).toThrow();
  });
});

describe('memoryRestartMiB policy', () => {
  it('is due only after three samples in a row above the limit', () => {
    const watch = new MemoryWatch(100);
    const above = 101 * 1024 * 1024;
    expect([watch.observe(above), watch.observe(above), watch.observe(50), watch.observe(above), watch.observe(above), watch.observe(above)]).toEqual([false, false, false, false, false, true]);
    expect(watch.observe(undefined)).toBe(false);
  });
});

describe('/proc parsing', () => {
  it('reads a stat line whose command name has spaces and parentheses', () => {
    const line = '42 (a (b) c) S 7 42 42 0 -1 4194560 100 0 0 0 250 50 10 5 20 0 1 0 98765 1000000 300 18446744073709551615';
    expect(parseStat(line)).toMatchObject({ pid: 42, ppid: 7, pgrp: 42, cpuTicks: 300, childCpuTicks: 15, startTime: 98765, rssPages: 300 });
  });
});

describe('containment config', () => {
  const parse = (raw: unknown) => parseConfig(raw, { source: 'plugd.json', baseDir: '/tmp' });
  it('takes a mode string or an object, and per-plugin limits over the defaults', () => {
    const config = parse({ containment: 'process-group', defaults: { limits: { memoryMiB: 512, pids: 100 } }, plugins: [{ name: 'echo', limits: { pids: 10 } }] });
    expect(config.containment).toEqual({ mode: 'process-group', cgroupName: 'plugd', sampleIntervalMs: 1000 });
    expect(config.plugins[0]!.limits).toEqual({ memoryMiB: 512, pids: 10 });
  });

  it('refuses a memoryRestartMiB not below memoryMiB, and a cgroupName that is a path, naming the option', () => {
    expect(() => parse({ plugins: [{ name: 'echo', limits: { memoryMiB: 100, memoryRestartMiB: 100 } }] })).toThrow(/plugins\[0\]\.limits\.memoryRestartMiB.*must be below memoryMiB \(100\)/s);
    expect(() => parse({ containment: { cgroupName: '../escape' }, plugins: [] })).toThrow(ConfigError);
    expect(() => parse({ plugins: [{ name: 'echo', limits: { pids: 1 } }] })).toThrow(/pids/);
  });
});

describe('process-tree usage', () => {
  it('counts a process that started after the shared /proc scan was taken (a restarted generation)', async () => {
    const { spawn } = await import('node:child_process');
    const { scanProcsRecent } = await import('../src/containment/proc-table.js');
    const { TreeGuard } = await import('../src/containment/tree-guard.js');
    scanProcsRecent(); // the shared scan, taken before the new process exists
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const usage = new TreeGuard().usage(child.pid);
      expect(usage?.processes).toBe(1);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
