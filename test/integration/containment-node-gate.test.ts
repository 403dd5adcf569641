/**
 * The Node gate with real cgroups (root; CI runs as root on a hybrid v1/v2 machine): a
 * Node plugin is spawned with `--require <gate>` and moved into its cgroup by plugd while
 * Node boots; the gate holds plugin code until it is in. Attacked by a plugin that
 * spawns from its first line and from a preload; which commands get the gate (taskset,
 * the `user` option's setpriv) and which keep the sh wrapper (a shim script); what
 * happens when the move fails. Cgroups and processes are checked and swept by the sandbox.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { CgroupMoveError, Supervisor, accessProblem, execaLauncher, jsonLogger, lookupRunAs, moveIntoCgroup, parseConfig, silentLogger } from '@plugd/supervisor';
import type { Hierarchy, ProcessLauncher } from '@plugd/supervisor';
import { canUseCgroups, cgroupPlan, cgroupSandbox } from '../helpers/cgroup-sandbox.js';
import { http, startPlugd, stoppedAfterEach, tempDir, waitGone } from '../helpers/plugd-process.js';
import { FAST_RESTART, FAST_TIMEOUTS, FIXTURES, REPO_ROOT } from '../helpers/supervision.js';
import { Containment } from '../../supervisor/src/containment/containment.js';
import { PluginProcess } from '../../supervisor/src/process/plugin-process.js';

const suite = canUseCgroups ? describe : describe.skip;
const sandbox = cgroupSandbox('gate');
const tmp = tempDir();
const BEHAVE = `${FIXTURES}behave.mjs`;

const running = stoppedAfterEach();
afterAll(() => tmp.remove());

const configOf = (plugins: unknown[]) =>
  parseConfig(
    { containment: { mode: 'cgroup', cgroupName: sandbox.name }, plugins: plugins.map((p) => ({ restart: FAST_RESTART, timeouts: FAST_TIMEOUTS, ...(p as object) })) },
    { source: 'test', baseDir: REPO_ROOT },
  );

function start(plugins: unknown[]): Supervisor {
  const config = configOf(plugins);
  const supervisor = new Supervisor(config, { logger: jsonLogger(() => undefined) });
  supervisor.on('spawn', (e) => e.pid && sandbox.track(e.pid));
  running.push(supervisor);
  return supervisor;
}

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
const gateOf = (pid: number) => {
  const args = cmdline(pid);
  return args[1] === '--require' && args[2]!.endsWith('/node-gate.cjs') ? args[2] : undefined;
};

/** The generation cgroup a process is in, in the main hierarchy and the memory one (its /proc/<pid>/cgroup lines). */
function generationOf(pid: number): string[] {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const plan = cgroupPlan()!;
  const line = (h: Hierarchy) => lines.find((l) => (h.version === 2 ? l.startsWith('0::') : l.split(':')[1]!.split(',').includes(h.controllers[0]!)));
  const generation = (h: Hierarchy) => line(h)?.match(new RegExp(`/${sandbox.name}/[^/]+/([^/]+)$`))?.[1] ?? `outside: ${line(h)}`;
  return [plan.main, ...(plan.memory ? [plan.memory] : [])].map(generation);
}

interface RecordLine {
  who: 'plugin' | 'preload' | 'forked';
  pid: number;
  spawned: number[];
  at: number;
  cgroupPid: string | null;
  gate: string | null;
}

async function records(file: string, count: number): Promise<RecordLine[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length >= count) return lines.map((l) => JSON.parse(l) as RecordLine);
    if (Date.now() > deadline) throw new Error(`only ${lines.length} of ${count} record lines in ${file}: ${lines.join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ATTACK = ['node', '-r', `${FIXTURES}spawn-on-load.cjs`, `${FIXTURES}spawn-first.mjs`];

/**
 * The attack's records: the plugin and its preload, the forked child and its preload
 * (fork passes execArgv on: the gate does nothing there). Every process is in the
 * generation's cgroup; PLUGD_CGROUP_PID was the plugin's own pid; no gate variable was
 * left for any of them. Returns every pid, tracked by the sandbox.
 */
function expectContained(seen: RecordLine[], pid: number, generation: string): number[] {
  const all = [...new Set(seen.flatMap((r) => [r.pid, ...r.spawned]))];
  sandbox.track(...all);
  expect(all).toHaveLength(6); // plugin, forked child, 4 sleeps in sessions of their own
  for (const p of all) expect([p, ...generationOf(p)]).toEqual([p, generation, generation]);
  expect(seen.filter((r) => r.pid === pid).map((r) => r.who).sort()).toEqual(['plugin', 'preload']);
  expect(seen.filter((r) => r.pid !== pid).map((r) => r.who).sort()).toEqual(['forked', 'preload']);
  // the child inherited the plugin's PLUGD_CGROUP_PID: not its own pid, so the kill file is not its to use
  for (const r of seen) expect(r).toMatchObject({ cgroupPid: String(pid), gate: null });
  return all;
}

/**
 * One generation run by PluginProcess itself with a real Containment and a launcher of
 * the test's (the Supervisor runs an injected launcher without containment, for fakes).
 */
async function generation(plugin: Record<string, unknown>, launcher: ProcessLauncher) {
  const config = configOf([plugin]);
  const containment = new Containment(config.containment!, silentLogger());
  await containment.prepare();
  const options = config.plugins[0]!;
  const guard = containment.forGeneration(options, 1);
  const proc = new PluginProcess(options, 1, { username: 'tester', trace: 'off', launcher }, { onStderr: () => undefined, onLog: () => undefined, onExit: () => undefined, guard });
  closing.push(async () => {
    await proc.stop();
    await containment.close();
  });
  return proc;
}
let closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closing.map((close) => close()));
  closing = [];
});

suite('the Node gate', () => {
  it('contains a plugin that spawns from a preload and from its first line: everything it starts is in its cgroup and dies with it', async () => {
    const record = tmp.path('attack.jsonl');
    const s = start([{ name: 'attack', command: ATTACK, env: { FIXTURE_RECORD: record } }]);
    await s.start();
    const pid = s.plugin('attack')!.pid!;
    expect(s.plugin('attack')!.state).toBe('ready');
    expect(gateOf(pid)).toBeDefined();
    expect(cmdline(pid).slice(3, 5)).toEqual(['-r', `${FIXTURES}spawn-on-load.cjs`]);

    const seen = await records(record, 4);
    const all = expectContained(seen, pid, 'attack.g1');

    await s.stop();
    expect(await waitGone(all)).toEqual([]);
    expect(sandbox.dirs().filter((dir) => existsSync(dir))).toEqual([]); // every cgroup removed
  });

  it('goes through taskset and into the built-in bundles; a shell-script shim that execs node keeps the sh wrapper', async () => {
    const shims = tmp.path('shims');
    mkdirSync(shims);
    writeFileSync(join(shims, 'node'), '#!/bin/sh\nexec node "$@"\n');
    chmodSync(join(shims, 'node'), 0o755);
    const s = start([
      { name: 'pinned', command: ['taskset', '-c', '0', 'node', BEHAVE], env: { FIXTURE_ACTIONS: 'pinned_echo' } },
      { name: 'shimmed', command: [join(shims, 'node'), BEHAVE], env: { FIXTURE_ACTIONS: 'shimmed_echo' } },
      { name: 'echo' },
    ]);
    await s.start();
    const pid = (name: string) => s.plugin(name)!.pid!;
    for (const name of ['pinned', 'shimmed', 'echo']) {
      expect(s.plugin(name)!.state).toBe('ready');
      expect(generationOf(pid(name))).toEqual([`${name}.g1`, `${name}.g1`]);
    }
    // Started together: the first takes the gate, the others the sh wrapper (their moves share grace periods).
    expect(gateOf(pid('pinned'))).toBeDefined();
    expect(readFileSync(`/proc/${pid('pinned')}/status`, 'utf8')).toMatch(/Cpus_allowed_list:\s+0\n/);
    expect(gateOf(pid('echo'))).toBeUndefined();
    expect(cmdline(pid('shimmed'))).toEqual(['node', BEHAVE]); // exec'd by the shim, behind the sh wrapper
    // the sh wrapper's own variables: exported by sh, so in the environment node was exec'd with
    expect(readFileSync(`/proc/${pid('shimmed')}/environ`, 'utf8').split('\0')).toContain(`PLUGD_CGROUP_PID=${pid('shimmed')}`);
    // Restarted on its own, the built-in bundle goes through the gate; the shim never does.
    for (const name of ['echo', 'shimmed']) await s.restart(name);
    expect(gateOf(pid('echo'))).toBeDefined();
    expect(cmdline(pid('echo')).at(-1)).toMatch(/plugins\/echo\/dist\/plugin\.mjs$/);
    expect(generationOf(pid('echo'))).toEqual(['echo.g2', 'echo.g2']);
    expect(cmdline(pid('shimmed'))).toEqual(['node', BEHAVE]);
  });

  it('is found by the plugd command (its CLI bundle): the shell plugin starts behind it', async () => {
    const config = tmp.write('plugd.json', { containment: { mode: 'cgroup', cgroupName: sandbox.name }, plugins: [{ name: 'shell' }] });
    const plugd = await startPlugd(['-c', config, '--port', '0'], { env: { SESSION_API_KEY: undefined } });
    await plugd.ready();
    const [shell] = (await http(plugd.url, '/plugins')).body.plugins as { pid: number }[];
    sandbox.track(shell!.pid);
    const gate = gateOf(shell!.pid);
    expect([join(REPO_ROOT, 'bin/dist/bundle/node-gate.cjs'), join(REPO_ROOT, 'supervisor/dist/containment/node-gate.cjs')]).toContain(gate);
    expect(generationOf(shell!.pid)).toEqual(['shell.g1', 'shell.g1']);
    const answer = await http(plugd.url, '/execute_action', { body: { action: { action: 'run', args: { command: 'echo $$' } } } });
    const bash = Number(String(answer.body.content).trim());
    expect(generationOf(bash)).toEqual(['shell.g1', 'shell.g1']);
  });
});

suite('the move into the cgroup, around the Node gate', () => {
  it('holds plugin code until plugd has moved the process, however late the move comes', async () => {
    const record = tmp.path('held.jsonl');
    // plugd's move starts when the launcher returns: held back a second here, while Node
    // boots and reaches the gate, so without the gate the spawns would run outside.
    let moveFrom = 0;
    const slowMove: ProcessLauncher = {
      launch(spec) {
        const child = execaLauncher.launch(spec);
        const until = Date.now() + 1000;
        while (Date.now() < until); // deliberately synchronous: plugd's move waits for it
        moveFrom = Date.now();
        return child;
      },
    };
    const proc = await generation({ name: 'held', command: ATTACK, env: { FIXTURE_RECORD: record } }, slowMove);
    await proc.start();
    expect(gateOf(proc.pid!)).toBeDefined();
    const seen = await records(record, 4);
    for (const r of seen) expect(r.at).toBeGreaterThanOrEqual(moveFrom);
    const all = expectContained(seen, proc.pid!, 'held.g1');
    await proc.stop();
    expect(await waitGone(all)).toEqual([]);
  });

  it('fails the start naming the cause when plugd cannot move the plugin, and kills it', async () => {
    // Removes the generation's cgroup (still empty) after it was made and before plugd moves the pid.
    const sabotage: ProcessLauncher = {
      launch(spec) {
        const child = execaLauncher.launch(spec);
        for (const dir of sandbox.dirs()) {
          for (const instance of existsSync(dir) ? readdirSync(dir) : []) if (existsSync(join(dir, instance, 'doomed.g1'))) rmdirSync(join(dir, instance, 'doomed.g1'));
        }
        return child;
      },
    };
    const proc = await generation({ name: 'doomed', command: ['node', BEHAVE] }, sabotage);
    const error = await proc.start().catch((e: unknown) => e as Error);
    expect(String(error)).toMatch(/cannot move the plugin into its cgroup: writing its pid to \S+\/doomed\.g1\/cgroup\.procs failed \(ENOENT\)/);
    const exit = await proc.exited;
    expect(exit).toMatchObject({ reason: 'start-failed', signal: 'SIGKILL' });
    expect(await waitGone([exit.pid!])).toEqual([]);
  });

  it('reports the exit of a plugin that died before plugd could move it, not the move', async () => {
    const killedAtOnce: ProcessLauncher = {
      launch(spec) {
        const child = execaLauncher.launch(spec);
        process.kill(child.pid!, 'SIGKILL');
        return child;
      },
    };
    const proc = await generation({ name: 'shortlived', command: ['node', BEHAVE] }, killedAtOnce);
    const error = await proc.start().catch((e: unknown) => e as Error);
    expect(await waitGone([proc.pid!])).toEqual([]);
    expect(String(error)).toMatch(/exited before answering initialize \(killed by SIGKILL\)/);
    expect(String(error)).not.toMatch(/cannot move/);
  });

  it('a move of a process that is gone fails with ESRCH, as gone', async () => {
    const parent = join(cgroupPlan()!.main.dir, sandbox.name);
    const made = mkdirSync(parent, { recursive: true }) !== undefined;
    const dir = join(parent, 'esrch-probe');
    mkdirSync(dir);
    try {
      const reaped = spawnSync('true').pid; // exited and reaped: no such process any more
      const error = await moveIntoCgroup(reaped, [join(dir, 'cgroup.procs')]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CgroupMoveError);
      expect(error).toMatchObject({ gone: true, message: expect.stringMatching(/\(ESRCH\)$/) });
    } finally {
      rmdirSync(dir);
      if (made) rmdirSync(parent);
    }
  });
});

const nobody = process.getuid?.() === 0 ? lookupRunAs('nobody') : undefined;
const nodeForNobody = typeof nobody === 'object' && !accessProblem(process.execPath, nobody, 'execute');
(canUseCgroups && nodeForNobody ? describe : describe.skip)('the Node gate with the `user` option', () => {
  it('starts a plugin as nobody behind setpriv, gated, in its cgroup', async () => {
    const s = start([{ name: 'asnobody', command: ['node', BEHAVE], user: 'nobody', env: { FIXTURE_ACTIONS: 'nobody_echo' } }]);
    await s.start();
    const status = s.plugin('asnobody')!;
    expect(status.state).toBe('ready');
    expect(readFileSync(`/proc/${status.pid}/status`, 'utf8')).toMatch(/\nUid:\s+65534\s/);
    expect(gateOf(status.pid!)).toBeDefined();
    expect(generationOf(status.pid!)).toEqual(['asnobody.g1', 'asnobody.g1']);
    expect((await s.execute({ action: 'nobody_echo', args: { text: 'hi' } })).content).toBe('hi');
  });
});
