import { afterEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_SERVER } from '../../src/config/defaults.js';
import type { SupervisorConfig } from '../../src/config/types.js';
import { Supervisor } from '../../src/supervisor.js';
import { FakeLauncher } from '../fakes/fake-process.js';
import type { FakeProcess } from '../fakes/fake-process.js';
import { errorId, flush, managedPlugin, submit } from '../fakes/managed.js';
import { pluginOptions } from '../fakes/options.js';

function config(plugins: SupervisorConfig['plugins'], extra: Partial<SupervisorConfig> = {}): SupervisorConfig {
  return { source: 'test', baseDir: '/', username: 'tester', server: { ...DEFAULT_SERVER, port: 0 }, routes: {}, fallbacks: {}, maxCallDepth: 4, redact: [], watchDebounceMs: 100, plugins, ...extra };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

describe('retries over the fake process', () => {
  it('sends a crashed idempotent read to the restarted generation once, and a crashed run never again', async () => {
    const launcher = new FakeLauncher({ actions: ['read', 'run'], run: 'hold', idempotent: ['read'], concurrency: 4 });
    const options = pluginOptions({ name: 'p', restart: { initialDelayMs: 1, minUptimeMs: 600_000 }, timeouts: { pingIntervalMs: 600_000 } });
    supervisor = new Supervisor(config([options]), { launcher });
    await supervisor.start();

    const read = supervisor.execute({ action: 'read', args: {}, id: 1 });
    await until(() => launcher.last.held.length === 1);
    launcher.last.exit(1);
    await until(() => launcher.processes.length === 2 && launcher.last.held.length === 1);
    launcher.last.answer();
    expect(await read).toMatchObject({ observation: 'run' });
    expect(launcher.processes.map((p) => p.ranIds)).toEqual([[1], [1]]);

    const run = supervisor.execute({ action: 'run', args: {}, id: 2 });
    await until(() => launcher.last.held.length === 1);
    launcher.last.exit(1);
    expect(errorId(await run)).toBe('PLUGIN_CRASHED');
    await until(() => launcher.processes.length === 3 && supervisor!.plugin('p')?.state === 'ready');
    await flush();
    expect(launcher.processes.flatMap((p) => p.ranIds)).toEqual([1, 1, 2]);
  });
});

describe('plugin-to-plugin calls over the fake process', () => {
  it('runs a plugd/execute within the caller, names the caller in the run params, and cancels the callee when the caller crashes', async () => {
    const launcher = new FakeLauncher({}).next({ actions: ['a'], run: 'hold' }).next({ actions: ['b'], run: 'hold' });
    const quiet = { pingIntervalMs: 600_000, cancelGraceMs: 600_000 };
    supervisor = new Supervisor(config([pluginOptions({ name: 'A', calls: ['b'], timeouts: quiet, restart: { mode: 'never' } }), pluginOptions({ name: 'B', timeouts: quiet })]), { launcher });
    await supervisor.start();
    const [a, b] = launcher.processes as [FakeProcess, FakeProcess];
    const answer = supervisor.execute({ action: 'a', args: {}, id: 1 });
    await until(() => a.held.length === 1);
    const requestId = a.held[0]!.rpcId;
    a.send({ id: 99, method: 'plugd/execute', params: { action: { action: 'b', args: {}, id: 2 }, requestId } });
    await until(() => b.held.length === 1);
    expect((b.runs[0]!.params as { caller?: unknown }).caller).toEqual({ plugin: 'A', requestId, depth: 1 });

    a.exit(1);
    expect(errorId(await answer)).toBe('PLUGIN_CRASHED');
    await until(() => b.received.some((m) => m.method === '$/cancelRequest'));
    expect(b.received.find((m) => m.method === '$/cancelRequest')?.params).toEqual({ id: b.held[0]!.rpcId });
    b.answer(); // the late answer is dropped; B is idle again
  });
});

describe('hostile plugd/execute requests', () => {
  it('answers malformed params, a request id that is not a running action, and a type not in calls with CALL_REFUSED; nothing runs', async () => {
    const launcher = new FakeLauncher({}).next({ actions: ['a'], run: 'hold' }).next({ actions: ['b'] });
    supervisor = new Supervisor(config([pluginOptions({ name: 'A', calls: [] }), pluginOptions({ name: 'B' })]), { launcher });
    await supervisor.start();
    const [a, b] = launcher.processes as [FakeProcess, FakeProcess];
    const answer = supervisor.execute({ action: 'a', args: {}, id: 1 });
    await until(() => a.held.length === 1);
    a.send({ id: 97, method: 'plugd/execute', params: { nonsense: true } });
    a.send({ id: 98, method: 'plugd/execute', params: { action: { action: 'b', args: {} }, requestId: 12345 } });
    a.send({ id: 99, method: 'plugd/execute', params: { action: { action: 'b', args: {} }, requestId: a.held[0]!.rpcId } });
    const reply = (id: number) => a.received.find((m) => m.id === id && m.method === undefined) as { result?: { content: string; extras: { error_id: string } } } | undefined;
    await until(() => [97, 98, 99].every((id) => reply(id) !== undefined));
    expect([97, 98, 99].map((id) => reply(id)!.result!.extras.error_id)).toEqual(['CALL_REFUSED', 'CALL_REFUSED', 'CALL_REFUSED']);
    expect(reply(97)!.result!.content).toMatch(/bad plugd\/execute params/);
    expect(reply(98)!.result!.content).toMatch(/no running action with request id 12345/);
    expect(reply(99)!.result!.content).toMatch(/may not run "b" actions; allow it in its config: "calls": \["b"\]/);
    expect(b.runs).toHaveLength(0);
    a.answer();
    expect(await answer).toMatchObject({ observation: 'run' });
  });
});

describe('disabled and waiting states', () => {
  it('refuses actions while disabled or waiting, with the reason, and starts once enabled or no longer waiting', async () => {
    const { plugin, states } = managedPlugin();
    plugin.disable('condition not met: the program "python3" is not on PATH');
    const refused = await submit(plugin);
    expect(errorId(refused)).toBe('PLUGIN_UNAVAILABLE');
    expect(refused.content).toContain('it is disabled: condition not met: the program "python3" is not on PATH');
    await plugin.reload(); // nothing to reload: no transition, no throw
    await plugin.restart();
    plugin.enable();
    plugin.wait('waiting for db (failed)');
    expect(await submit(plugin)).toMatchObject({ content: expect.stringContaining('it is waiting: waiting for db (failed)') });
    expect(await plugin.start()).toBe(true);
    expect(states()).toEqual(['disabled', 'stopped', 'waiting', 'starting', 'ready']);
    await plugin.stop();
  });
});

describe('plugins added at run time over the fake process', () => {
  it('gives a plugin added by a config reload or by addPlugin the hooks of one started with plugd: its launcher, session and caller in run params, plugd/execute, secret values scrubbed', async () => {
    const launcher = new FakeLauncher({}).next({ actions: ['run'], run: 'hold' }).next({ actions: ['a'], run: 'hold' }).next({ actions: ['b'], run: 'hold' });
    const quiet = { pingIntervalMs: 600_000, cancelGraceMs: 600_000 };
    const shell = pluginOptions({ name: 'shell', timeouts: quiet });
    const secret = 'added-at-run-time-secret-42';
    supervisor = new Supervisor(config([shell], { redact: ['token'] }), { launcher });
    await supervisor.start();
    // The shell reports its working directory: the session every plugin gets.
    const cd = supervisor.execute({ action: 'run', args: {}, id: 1 });
    await until(() => launcher.last.held.length === 1);
    launcher.last.answer(undefined, { observation: 'run', content: '', extras: { metadata: { working_dir: '/srv/work' } } });
    await cd;

    await supervisor.reloadConfig(config([shell, pluginOptions({ name: 'A', calls: ['b'], timeouts: quiet, restart: { mode: 'never' } })], { redact: ['token'] }));
    expect(await supervisor.addPlugin(pluginOptions({ name: 'B', env: { API_TOKEN: secret }, timeouts: quiet, restart: { mode: 'never' } }))).toBe(true);
    expect(launcher.processes).toHaveLength(3); // both run on the injected launcher
    const [, a, b] = launcher.processes as [FakeProcess, FakeProcess, FakeProcess];

    const answer = supervisor.execute({ action: 'a', args: {}, id: 2 });
    await until(() => a.held.length === 1);
    const requestId = a.held[0]!.rpcId;
    expect(a.runs[0]!.params).toMatchObject({ session: { cwd: '/srv/work' } });
    a.send({ id: 99, method: 'plugd/execute', params: { action: { action: 'b', args: {}, id: 3 }, requestId } });
    await until(() => b.held.length === 1);
    expect(b.runs[0]!.params).toMatchObject({ session: { cwd: '/srv/work' }, caller: { plugin: 'A', requestId, depth: 1 } });

    b.writeStderr(`connecting with token ${secret}`);
    b.exit(1);
    const reply = () => a.received.find((m) => m.id === 99 && m.method === undefined) as { result?: { content: string; extras: { error_id: string } } } | undefined;
    await until(() => reply() !== undefined);
    expect(reply()!.result!.extras.error_id).toBe('PLUGIN_CRASHED');
    expect(reply()!.result!.content).toContain('connecting with token [REDACTED]');
    expect(reply()!.result!.content).not.toContain(secret);
    a.answer();
    expect(await answer).toMatchObject({ observation: 'run' });
  });
});

describe('config reload after run-time changes over the fake process', () => {
  it('starts again a configured plugin that removePlugin stopped, replaces one added at run time that the config now names, and leaves other run-time plugins alone', async () => {
    const launcher = new FakeLauncher({ actions: ['x'] }).next({ actions: ['a'] }).next({ actions: ['b'] }).next({ actions: ['c'] });
    const a = pluginOptions({ name: 'a' });
    supervisor = new Supervisor(config([a]), { launcher });
    await supervisor.start();
    await supervisor.removePlugin('a'); // as POST /update_mcp_server stops a configured MCP server
    expect(await supervisor.addPlugin(pluginOptions({ name: 'b' }))).toBe(true);
    expect(await supervisor.addPlugin(pluginOptions({ name: 'c' }))).toBe(true);

    const result = await supervisor.reloadConfig(config([a, pluginOptions({ name: 'b', env: { FROM: 'config' } })]));
    expect(result).toMatchObject({ added: ['a'], removed: [], changed: ['b'], unchanged: [], notApplied: [] });
    expect(supervisor.plugins().map((p) => [p.name, p.state]).sort()).toEqual([['a', 'ready'], ['b', 'ready'], ['c', 'ready']]);
    expect(supervisor.pluginOptions('b')!.env).toEqual({ FROM: 'config' });
    // The run-time b was stopped once the config's b served: one b process is left.
    await until(() => launcher.alive.length === 3);
    expect(launcher.processes).toHaveLength(5);
  });
});
