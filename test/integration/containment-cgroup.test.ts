/**
 * Containment with real cgroups (root; CI runs as root on a hybrid v1/v2 machine):
 * one cgroup per generation, whole-tree kill, limits, out-of-memory reports, and the
 * cleanup after a plugd that was SIGKILLed. Everything made here lives under a
 * per-file cgroup folder that the sandbox checks (and empties) in afterAll.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Supervisor, jsonLogger, parseConfig } from '@plugd/supervisor';
import type { SupervisorEvents } from '@plugd/supervisor';
import { canUseCgroups, cgroupSandbox } from '../helpers/cgroup-sandbox.js';
import { startPlugd, stoppedAfterEach, tempDir, http, waitGone } from '../helpers/plugd-process.js';
import { FAST_RESTART, FAST_TIMEOUTS, FIXTURES, REPO_ROOT, errorId } from '../helpers/supervision.js';
import { nextEvent } from '../helpers/supervisor-events.js';
import { waitFor } from '../helpers/spawn-raw.js';

const suite = canUseCgroups ? describe : describe.skip;
const sandbox = cgroupSandbox('cgroup');
const tmp = tempDir();
const HOG = ['node', `${FIXTURES}resource-hog.mjs`];

const running = stoppedAfterEach();
afterAll(() => tmp.remove());

function start(plugins: unknown[], logs: string[] = []): Supervisor {
  const config = parseConfig(
    {
      containment: { mode: 'cgroup', cgroupName: sandbox.name, sampleIntervalMs: 100 },
      plugins: plugins.map((p) => ({ restart: FAST_RESTART, timeouts: FAST_TIMEOUTS, ...(p as object) })),
    },
    { source: 'test', baseDir: REPO_ROOT },
  );
  const supervisor = new Supervisor(config, { logger: jsonLogger((line) => logs.push(line)) });
  supervisor.on('spawn', (e) => e.pid && sandbox.track(e.pid));
  running.push(supervisor);
  return supervisor;
}

const next = <K extends keyof SupervisorEvents>(s: Supervisor, kind: K, match?: (e: SupervisorEvents[K][0]) => boolean) => nextEvent(s, kind, match, 30_000);
const content = (o: { content: string }) => o.content;
const inCgroup = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`/${sandbox.name}/`);

suite('containment with cgroups', () => {
  it('kills a background job and a double-forked setsid daemon with their plugin: on SIGKILL of the plugin and on stop', async () => {
    const s = start([{ name: 'shell' }, { name: 'hog', command: HOG }]);
    await s.start();
    const job = Number((await s.execute({ action: 'run', args: { command: 'sleep 300 & echo $!' } })).content.trim().split('\n').pop());
    const daemon = (await s.execute({ action: 'spawn', args: { count: 1, daemon: true } })).extras as { pids: number[] };
    sandbox.track(job, ...daemon.pids);
    expect(inCgroup(job)).toBe(true);
    expect(inCgroup(daemon.pids[0]!)).toBe(true);
    // The daemon is not the plugin's descendant any more: only the cgroup still knows it.
    expect(Number(readFileSync(`/proc/${daemon.pids[0]}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])).not.toBe(s.plugin('hog')!.pid);

    const shellBack = next(s, 'ready', (e) => e.plugin === 'shell' && e.generation === 2);
    const hogBack = next(s, 'ready', (e) => e.plugin === 'hog' && e.generation === 2);
    process.kill(s.plugin('shell')!.pid!, 'SIGKILL');
    process.kill(s.plugin('hog')!.pid!, 'SIGKILL');
    expect(await waitGone([job, ...daemon.pids])).toEqual([]);
    await Promise.all([shellBack, hogBack]);

    const job2 = Number((await s.execute({ action: 'run', args: { command: 'sleep 301 & echo $!' } })).content.trim().split('\n').pop());
    const daemon2 = (await s.execute({ action: 'spawn', args: { count: 1, daemon: true } })).extras as { pids: number[] };
    sandbox.track(job2, ...daemon2.pids);
    const status = s.plugin('shell')!;
    expect(status.resources!.processes).toBeGreaterThanOrEqual(3); // node, bash, sleep
    expect(status.resources!.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(status.resources!.cpuSeconds).toBeGreaterThan(0);
    expect(await s.metrics.text()).toMatch(/plugd_plugin_processes\{plugin="shell"\} [3-9]/);
    await s.stop();
    expect(await waitGone([job2, ...daemon2.pids])).toEqual([]);
    expect(sandbox.dirs().filter((dir) => existsSync(dir))).toEqual([]); // every cgroup removed
  });

  it('reports a crash before its cgroup is emptied, and a stop right then still removes every cgroup', async () => {
    const s = start([{ name: 'shell' }]);
    await s.start();
    // A leftover whose teardown takes a while after SIGKILL (800 MiB to unmap): the cgroup stays populated meanwhile.
    const filled = tmp.path('filled');
    const command = `node -e "globalThis.b = Buffer.alloc(800 << 20, 1); require('fs').writeFileSync('${filled}', 'y'); setInterval(() => {}, 1e6)" >/dev/null 2>&1 & echo $!`;
    const big = Number((await s.execute({ action: 'run', args: { command } })).content.trim().split('\n').pop());
    sandbox.track(big);
    await waitFor(() => existsSync(filled), 30_000, 'the leftover to fill its memory');
    // Stopped from the exit event itself: the crashed generation's cgroup is still emptying.
    const stopped = new Promise<void>((resolve, reject) => s.once('exit', () => void s.stop().then(resolve, reject)));
    process.kill(s.plugin('shell')!.pid!, 'SIGKILL');
    await stopped;
    expect(await waitGone([big])).toEqual([]);
    expect(sandbox.dirs().filter((dir) => existsSync(dir))).toEqual([]);
  });

  it('reports a plugin killed by the kernel at its memory limit as out of memory everywhere, then restarts it', async () => {
    const s = start([{ name: 'hog', command: HOG, limits: { memoryMiB: 64 } }]);
    await s.start();
    const exit = next(s, 'exit', (e) => e.plugin === 'hog');
    const back = next(s, 'ready', (e) => e.plugin === 'hog' && e.generation === 2);
    const observation = await s.execute({ action: 'allocate', args: { mib: 256 } });
    expect(errorId(observation)).toBe('PLUGIN_CRASHED');
    expect(content(observation)).toContain('out of memory: limit 64 MiB');
    expect(await exit).toMatchObject({ reason: 'out-of-memory', signal: 'SIGKILL', detail: 'out of memory: limit 64 MiB' });
    await back;
    const status = s.plugin('hog')!;
    expect(status.lastExit?.reason).toBe('out-of-memory');
    expect(status.lastError).toContain('out of memory: limit 64 MiB');
    expect(await s.metrics.text()).toContain('plugd_plugin_exits_total{plugin="hog",reason="out-of-memory"} 1');
    expect(content(await s.execute({ action: 'allocate', args: { mib: 1 } }))).toBe('1');
  });

  it('stops a fork bomb at its pids limit while the other plugins keep serving', async () => {
    const s = start([{ name: 'hog', command: HOG, limits: { pids: 24 } }, { name: 'shell' }]);
    await s.start();
    const bomb = (await s.execute({ action: 'spawn', args: { count: 60 } })).extras as { started: number; failed: number; pids: number[]; errors: string[] };
    sandbox.track(...bomb.pids);
    expect(bomb.failed).toBeGreaterThan(0);
    expect(bomb.errors).toContain('EAGAIN');
    expect(s.plugin('hog')!.resources!.processes).toBeLessThanOrEqual(24);
    expect(content(await s.execute({ action: 'run', args: { command: 'echo still here' } }))).toContain('still here');
    expect(content(await s.execute({ action: 'allocate', args: { mib: 1 } }))).toBe('1');
    await s.stop();
    expect(await waitGone(bomb.pids)).toEqual([]);
  });

  it('holds a real shell fork bomb at its pids limit; the other plugins serve; a restart kills every copy', async () => {
    const s = start([{ name: 'shell', limits: { pids: 48 } }, { name: 'hog', command: HOG }]);
    await s.start();
    await s.execute({ action: 'run', args: { command: 'bomb() { bomb | bomb & }; bomb; echo lit' } });
    const procs = () => readFileSync(join(sandbox.dirs()[0]!, readdirSync(sandbox.dirs()[0]!)[0]!, 'shell.g1', 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    // The bomb's copies die and fork again all the time: judge its peak over the samples
    // (a single late sample on a loaded machine can catch it between waves).
    const seen = new Set<number>();
    let peak = 0;
    const sample = (): void => {
      const copies = procs();
      copies.forEach((pid) => seen.add(pid));
      peak = Math.max(peak, copies.length);
    };
    const deadline = Date.now() + 20_000;
    for (sample(); peak < 20 && Date.now() < deadline; sample()) await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 10; i++) sample();
    const copies = [...seen];
    sandbox.track(...copies);
    expect(peak).toBeGreaterThanOrEqual(20);
    expect(peak).toBeLessThanOrEqual(48);
    expect(content(await s.execute({ action: 'allocate', args: { mib: 1 } }))).toBe('1');
    await s.restart('shell');
    expect(existsSync(join(sandbox.dirs()[0]!, readdirSync(sandbox.dirs()[0]!)[0]!, 'shell.g1'))).toBe(false);
    expect(await waitGone(copies)).toEqual([]);
    expect(content(await s.execute({ action: 'run', args: { command: 'echo calm' } }))).toContain('calm');
  });

  it('restarts a plugin whose memory stays above memoryRestartMiB (a soft limit below memoryMiB), answering its actions with the reason', async () => {
    const s = start([{ name: 'hog', command: HOG, limits: { memoryMiB: 400, memoryRestartMiB: 100 } }]);
    await s.start();
    const exit = next(s, 'exit', (e) => e.plugin === 'hog');
    // The sampler may restart it while it is still allocating: the sleep is what is asserted.
    const sleeping = s.execute({ action: 'sleep', args: { ms: 20_000 } });
    const allocating = s.execute({ action: 'allocate', args: { mib: 150 } });
    const waiting = await sleeping;
    await allocating;
    expect(errorId(waiting)).toBe('PLUGIN_CRASHED');
    expect(content(waiting)).toMatch(/restarted by plugd: memory \d+ MiB stayed above limits.memoryRestartMiB \(100 MiB\)/);
    expect(await exit).toMatchObject({ reason: 'memory-limit' });
  });

  it('after plugd is SIGKILLed, its plugins kill their cgroups; the next start empties and removes what is left, saying so', async () => {
    const config = tmp.write('plugd.json', { containment: { mode: 'cgroup', cgroupName: sandbox.name }, plugins: [{ name: 'shell' }] });
    const plugd = await startPlugd(['-c', config, '--port', '0'], { env: { SESSION_API_KEY: undefined } });
    await plugd.ready();
    const answer = await http(plugd.url, '/execute_action', { body: { action: { action: 'run', args: { command: 'sleep 302 & echo $!' } } } });
    const job = Number(String(answer.body.content).trim().split('\n').pop());
    sandbox.track(job);
    const [shell] = (await http(plugd.url, '/plugins')).body.plugins;
    expect(shell.resources.processes).toBeGreaterThanOrEqual(3); // node, bash, sleep: the whole cgroup
    expect(shell.resources.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect((await http(plugd.url, '/metrics')).text).toMatch(/plugd_plugin_memory_bytes\{plugin="shell"\} \d+/);
    expect(plugd.stderr()).toMatch(/"msg":"containment: one cgroup per plugin generation \(/);
    await plugd.stop('SIGKILL');
    expect(await waitGone([job])).toEqual([]);

    // A survivor in the dead plugd's cgroup (as a plugin that ignores stdin EOF would be).
    const main = sandbox.dirs()[0]!;
    const [instance] = readdirSync(main).filter((n) => n.startsWith(`${plugd.pid}-`));
    const survivor = spawn('sleep', ['600'], { stdio: 'ignore', detached: true });
    survivor.unref();
    sandbox.track(survivor.pid!);
    writeFileSync(join(main, instance!, 'shell.g1', 'cgroup.procs'), String(survivor.pid));

    const logs: string[] = [];
    const s = start([], logs);
    await s.start();
    expect(await waitGone([survivor.pid!])).toEqual([]);
    expect(existsSync(join(main, instance!))).toBe(false);
    expect(logs.join('\n')).toMatch(new RegExp(`removed 1 cgroup\\(s\\) left by a plugd that died \\(pid ${plugd.pid}\\), killing 1 process\\(es\\) still in them`));
  });
});
