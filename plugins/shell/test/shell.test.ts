import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginClient, eventually, groupAlive } from '../../../test/helpers/plugin-client.js';
import { expectCmdRunOk } from '../../../test/helpers/openhands-shapes.js';

const run = (command: string, extra: Record<string, unknown> = {}, timeout?: number) => ({
  action: 'run',
  args: { command, ...extra },
  ...(timeout !== undefined ? { timeout } : {}),
});

describe('shell plugin', () => {
  let client: PluginClient;
  let dir: string;

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'plugd-shell-')));
    client = await PluginClient.start('shell', { config: { cwd: dir } });
  });

  afterAll(async () => {
    await client?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('initialize declares run with concurrency 1', async () => {
    const other = PluginClient.spawn('shell');
    try {
      const init = await other.initialize();
      expect(init.actions).toEqual(['run']);
      expect(init.capabilities?.concurrency).toBe(1);
    } finally {
      await other.close();
    }
  });

  test('runs a command and returns the OpenHands run observation', async () => {
    const md = expectCmdRunOk(await client.run(run('echo hello')), 'echo hello', 'hello', dir);
    expect(typeof md.username).toBe('string');
    expect(md.username.length).toBeGreaterThan(0);
    expect(typeof md.hostname).toBe('string');
    expect(md.prefix).toBe('');
    expect(md.suffix).toContain('exit code 0');
  });

  test('exit codes are reported, success follows them', async () => {
    const obs = await client.run(run('echo out; echo err >&2; (exit 3)'));
    expect(obs.extras['metadata'].exit_code).toBe(3);
    expect(obs.success).toBe(false);
    expect(obs.content).toBe('out\nerr');
    expect(obs.message).toContain('exit code 3');
    const missing = await client.run(run('no-such-command-xyz'));
    expect(missing.extras['metadata'].exit_code).toBe(127);
    expect(missing.content).toContain('no-such-command-xyz');
  });

  test('cd, exported variables and functions persist between commands', async () => {
    await client.run(run('mkdir -p sub/inner && cd sub/inner && export PLUGD_X=42 && greet() { echo "hi $1"; }'));
    const obs = await client.run(run('pwd; echo $PLUGD_X; greet there'));
    expect(obs.content).toBe(`${dir}/sub/inner\n42\nhi there`);
    expect(obs.extras['metadata'].working_dir).toBe(`${dir}/sub/inner`);
    await client.run(run(`cd ${dir}`));
  });

  test('cwd arg runs the command in that folder', async () => {
    const obs = await client.run(run('pwd', { cwd: '/' }));
    expect(obs.content).toBe('/');
    const bad = await client.run(run('pwd', { cwd: join(dir, 'missing') }));
    expect(bad.extras['metadata'].exit_code).not.toBe(0);
    expect(bad.content).toContain('missing');
    await client.run(run(`cd ${dir}`));
  });

  test('hidden is echoed and unknown args are allowed', async () => {
    const obs = await client.run(run('true', { hidden: true, thought: 'x', is_static: false, blocking: true, security_risk: 0 }));
    expect(obs.observation).toBe('run');
    expect(obs.extras['hidden']).toBe(true);
    expect(obs.content).toBe('');
  });

  test('commands read stdin from /dev/null instead of hanging', async () => {
    const obs = await client.run(run('cat; read -r line; echo "read=$? done"'), 20_000);
    expect(obs.content).toBe('read=1 done');
    expect(obs.extras['metadata'].exit_code).toBe(0);
  });

  test('a timeout interrupts the command, keeps partial output and the session', async () => {
    await client.run(run('export KEEP=yes'));
    const started = Date.now();
    const obs = await client.run(run('echo before; sleep 30; echo after', {}, 2), 20_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    expect(obs.success).toBe(false);
    expect(obs.content).toMatch(/^before\n/);
    expect(obs.content).toContain('[The command timed out after 2 seconds.');
    expect(obs.content).not.toContain('after\n');
    const next = await client.run(run('echo $KEEP'));
    expect(next.content).toBe('yes');
    expect(next.extras['metadata'].exit_code).toBe(0);
  });

  test('a timeout also stops a loop running in the shell itself', async () => {
    await client.run(run('export KEEP2=still'));
    const obs = await client.run(run('while true; do :; done', {}, 1), 20_000);
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    expect(obs.content).toContain('timed out');
    expect(obs.content).toContain('SIGINT');
    const next = await client.run(run('echo $KEEP2'));
    expect(next.content).toBe('still');
  });

  test('a command that ignores SIGINT is killed harder', async () => {
    const obs = await client.run(run(`bash -c "trap '' INT; sleep 60"`, {}, 1), 20_000);
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    expect(obs.content).toContain('timed out');
    expect(obs.content).toContain('SIGKILL');
    const next = await client.run(run('echo ok'));
    expect(next.content).toBe('ok');
  });

  test('the supervisor deadline (timeoutMs) bounds a command without its own timeout', async () => {
    const started = Date.now();
    const obs = await client.run(run('sleep 30'), 2500);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    expect(obs.content).toContain('timed out');
  });

  test('output over 30,000 characters is cut in the middle', async () => {
    const obs = await client.run(run('seq 1 20000'));
    expect(obs.content.length).toBeLessThan(31_000);
    expect(obs.content.startsWith('1\n2\n3\n')).toBe(true);
    expect(obs.content.endsWith('19999\n20000')).toBe(true);
    expect(obs.content).toMatch(/Observation truncated due to length: \d+ characters omitted/);
    expect(obs.extras['metadata'].exit_code).toBe(0);
  });

  test('huge output is bounded in memory and still truncated', async () => {
    const obs = await client.run(run('head -c 5000000 /dev/zero | tr "\\0" "a"; echo; echo END'), 60_000);
    expect(obs.content.length).toBeLessThan(31_000);
    expect(obs.content.endsWith('END')).toBe(true);
    const omitted = Number(/(\d+) characters omitted/.exec(obs.content)?.[1]);
    expect(omitted).toBeGreaterThan(4_900_000);
  });

  test('background commands do not block the answer', async () => {
    const started = Date.now();
    const obs = await client.run(run('sleep 100 & echo started'), 20_000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(obs.content).toContain('started');
    const pid = obs.extras['metadata'].pid;
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).not.toThrow();
    await client.run(run(`kill ${pid}`));
  });

  test('commands queue one at a time', async () => {
    const a = client.run(run('sleep 0.3; echo first'));
    const b = client.run(run('echo second'));
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.content).toBe('first');
    expect(rb.content).toBe('second');
  });

  test('is_input with nothing running answers a clear error', async () => {
    const obs = await client.run(run('y', { is_input: true }));
    expect(obs.observation).toBe('error');
    expect(Object.keys(obs.extras)).toEqual(['error_id']);
    expect(obs.extras['error_id']).toBe('INVALID_ACTION');
    expect(obs.content).toContain('nothing to send input to');
  });

  test('bad args are an INVALID_ACTION error', async () => {
    const obs = await client.run({ action: 'run', args: { cmd: 'ls' } });
    expect(obs.observation).toBe('error');
    expect(obs.extras['error_id']).toBe('INVALID_ACTION');
    expect(obs.content).toContain('args.command');
  });

  test('if bash exits, the next command gets a new session', async () => {
    const obs = await client.run(run('export GONE=1; exit 7'));
    expect(obs.extras['metadata'].exit_code).toBe(7);
    expect(obs.content).toContain('The shell exited');
    const next = await client.run(run('echo "[$GONE]"'));
    expect(next.content).toBe('[]');
    expect(next.extras['metadata'].exit_code).toBe(0);
  });

  test('cancel ($/cancelRequest) interrupts the running command', async () => {
    const { result, cancel } = client.runCancellable(run('echo go; sleep 30'), 60_000);
    await eventually(() => client.progress.some((p) => p.content.includes('go')));
    const started = Date.now();
    cancel();
    const obs = await result.catch((error: unknown) => ({ cancelledError: error }));
    expect(Date.now() - started).toBeLessThan(5000);
    if ('observation' in obs) {
      expect(obs.extras['metadata'].exit_code).toBe(-1);
      expect(obs.content).toContain('cancelled');
    }
    const next = await client.run(run('echo after-cancel'));
    expect(next.content).toBe('after-cancel');
  });

  test('closing the plugin leaves no bash or background job behind', async () => {
    const other = await PluginClient.start('shell', { config: { cwd: dir } });
    const obs = await other.run(run('sleep 200 & echo $$'));
    const bashPid = Number(obs.content.split('\n').pop());
    expect(bashPid).toBeGreaterThan(0);
    expect(groupAlive(bashPid)).toBe(true);
    await other.close();
    await eventually(() => !groupAlive(bashPid));
  });
});
