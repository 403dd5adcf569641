/**
 * Containment without cgroups (containment: "process-group", as on a host without
 * root or delegation): the plugin's group, the groups the SDK reports
 * (plugd/processGroup) and a /proc descendant walk. No cgroup may be made.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Supervisor, parseConfig } from '@plugd/supervisor';
import type { SupervisorEvents } from '@plugd/supervisor';
import { cgroupSandbox } from '../helpers/cgroup-sandbox.js';
import { http, stopAllPlugd, startPlugd, tempDir, waitGone } from '../helpers/plugd-process.js';
import { FAST_RESTART, FAST_TIMEOUTS, FIXTURES, REPO_ROOT, errorId, isAlive } from '../helpers/supervision.js';
import { nextEvent } from '../helpers/supervisor-events.js';
import { TreeGuard } from '../../supervisor/src/containment/tree-guard.js';

const sandbox = cgroupSandbox('fallback');
const HOG = ['node', `${FIXTURES}resource-hog.mjs`];
const tmp = tempDir();
afterAll(() => tmp.remove());

let running: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
  await stopAllPlugd();
});

function start(plugins: unknown[]): Supervisor {
  const config = parseConfig(
    {
      containment: { mode: 'process-group', cgroupName: sandbox.name, sampleIntervalMs: 100 },
      plugins: plugins.map((p) => ({ restart: FAST_RESTART, timeouts: FAST_TIMEOUTS, ...(p as object) })),
    },
    { source: 'test', baseDir: REPO_ROOT },
  );
  const supervisor = new Supervisor(config);
  supervisor.on('spawn', (e) => e.pid && sandbox.track(e.pid));
  running.push(supervisor);
  return supervisor;
}

const next = <K extends keyof SupervisorEvents>(s: Supervisor, kind: K, match?: (e: SupervisorEvents[K][0]) => boolean) => nextEvent(s, kind, match, 30_000);
const lastLine = (text: string) => Number(text.trim().split('\n').pop());

describe('containment without cgroups', () => {
  it("kills the shell's background job (in bash's own group, reported by the SDK) when the plugin is SIGKILLed and when plugd stops", async () => {
    const s = start([{ name: 'shell' }]);
    await s.start();
    expect(s.containment.mechanism).toBe('process-group');
    const job = lastLine((await s.execute({ action: 'run', args: { command: 'sleep 303 & echo $!' } })).content);
    sandbox.track(job);
    const back = next(s, 'ready', (e) => e.generation === 2);
    process.kill(s.plugin('shell')!.pid!, 'SIGKILL');
    expect(await waitGone([job])).toEqual([]);
    await back;
    const job2 = lastLine((await s.execute({ action: 'run', args: { command: 'sleep 304 & echo $!' } })).content);
    sandbox.track(job2);
    expect(s.plugin('shell')!.resources!.processes).toBeGreaterThanOrEqual(3);
    await s.stop();
    expect(await waitGone([job2])).toEqual([]);
    expect(sandbox.dirs().filter((d) => existsSync(d))).toEqual([]); // no cgroup was made
  });

  it('after plugd is SIGKILLed, the shell plugin kills the process group it reported (its bash and the background job)', async () => {
    const config = tmp.write('plugd.json', { containment: 'process-group', plugins: [{ name: 'shell' }] });
    const plugd = await startPlugd(['-c', config, '--port', '0'], { env: { SESSION_API_KEY: undefined } });
    await plugd.ready();
    const answer = await http(plugd.url, '/execute_action', { body: { action: { action: 'run', args: { command: 'sleep 305 & echo $!' } } } });
    const job = lastLine(String(answer.body.content));
    sandbox.track(job);
    await plugd.stop('SIGKILL');
    expect(await waitGone([job])).toEqual([]);
  });

  it('kills detached (setsid) children found by the /proc walk when the plugin is restarted', async () => {
    const s = start([{ name: 'hog', command: HOG }]);
    await s.start();
    const { pids } = (await s.execute({ action: 'spawn', args: { count: 3 } })).extras as { pids: number[] };
    sandbox.track(...pids);
    expect(s.plugin('hog')!.resources!.processes).toBe(4);
    await s.restart('hog');
    expect(await waitGone(pids)).toEqual([]);
  });

  it('restarts a plugin whose tree stays above memoryRestartMiB and answers its running action with the reason', async () => {
    const s = start([{ name: 'hog', command: HOG, limits: { memoryRestartMiB: 100 } }]);
    await s.start();
    const exit = next(s, 'exit');
    const back = next(s, 'ready', (e) => e.generation === 2);
    // The sampler may restart it while it is still allocating: the sleep is what is asserted.
    const sleeping = s.execute({ action: 'sleep', args: { ms: 20_000 } });
    const allocating = s.execute({ action: 'allocate', args: { mib: 150 } });
    const waiting = await sleeping;
    await allocating;
    expect(errorId(waiting)).toBe('PLUGIN_CRASHED');
    expect(waiting.content).toMatch(/restarted by plugd: memory \d+ MiB stayed above limits.memoryRestartMiB \(100 MiB\)/);
    expect(await exit).toMatchObject({ reason: 'memory-limit', expected: false });
    await back;
    expect(s.plugin('hog')!.lastExit?.reason).toBe('memory-limit');
  });

  it("ignores a plugin that claims a process group it did not start (plugd's or a stranger's)", async () => {
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
    const plugin = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
    sandbox.track(stranger.pid!, plugin.pid!);
    const guard = new TreeGuard();
    guard.onProcessGroup(plugin.pid!, stranger.pid!, true);
    guard.onProcessGroup(plugin.pid!, process.pid, true);
    guard.release(plugin.pid!);
    expect(await waitGone([plugin.pid!])).toEqual([]);
    expect(isAlive(stranger.pid!)).toBe(true);
    stranger.kill('SIGKILL');
    expect(await waitGone([stranger.pid!])).toEqual([]);
  });
});
