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
    dir = await realpath(await mkdtemp(join(tmpdir(), 'plugd-shell-test-')));
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

  test('a command reads from the terminal: input() waits and is answered with is_input', async () => {
    const obs = await client.run(run(`python3 -c "print(input('name? ') + '!')"`, {}, 2), 20_000);
    expect(obs.content).toBe('name?');
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    expect(obs.extras['metadata'].suffix).toContain('[The command timed out after 2.0 seconds.');
    const answer = await client.run(run('bob', { is_input: true }, 5), 20_000);
    expect(answer.content).toBe('bob!');
    expect(answer.extras['metadata'].exit_code).toBe(0);
  });

  test('Ctrl-C by is_input stops a running command with exit code 130 and the session survives', async () => {
    await client.run(run('export KEEP=still'));
    const obs = await client.run(run('echo before; sleep 30; echo after', {}, 1), 20_000);
    expect(obs.content).toBe('before');
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    const refused = await client.run(run('echo new'));
    expect(refused.extras['metadata'].suffix).toContain('Your command "echo new" is NOT executed.');
    const stop = await client.run(run('C-c', { is_input: true }, 5), 20_000);
    expect(stop.extras['metadata'].exit_code).toBe(130);
    expect(stop.extras['metadata'].suffix).toBe('\n[The command completed with exit code 130. CTRL+C was sent.]');
    expect(stop.content).not.toContain('after');
    expect((await client.run(run('echo $KEEP'))).content).toBe('still');
  });

  test('the supervisor deadline (timeoutMs) bounds a command without its own timeout; it keeps running', async () => {
    const started = Date.now();
    const obs = await client.run({ action: 'run', args: { command: 'sleep 20', blocking: true } }, 1500);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    expect(obs.extras['metadata'].suffix).toContain('[The command timed out after');
    await client.run(run('C-c', { is_input: true }, 5), 20_000);
  });

  test('output over 30,000 characters is cut in the middle with OpenHands\' note', async () => {
    const obs = await client.run(run('seq 1 20000'));
    expect(obs.content.length).toBeLessThan(31_000);
    // The pane keeps 10,000 lines of history and a 1,000-row screen, as OpenHands' tmux does.
    expect(obs.content.startsWith('9001\n9002\n')).toBe(true);
    expect(obs.extras['metadata'].prefix).toBe('[Previous command outputs are truncated. Showing the last 11000 lines of the output below.]\n');
    expect(obs.content.endsWith('19999\n20000')).toBe(true);
    expect(obs.content).toContain('\n[... Observation truncated due to length ...]\n');
    expect(obs.extras['metadata'].exit_code).toBe(0);
  });

  test('background commands do not block the answer; $! is the pid', async () => {
    const obs = await client.run(run('sleep 100 & echo started'), 20_000);
    expect(obs.content).toContain('started');
    const pid = obs.extras['metadata'].pid;
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).not.toThrow();
    // Disowned first: bash's "[1]+ Terminated" job notice would land in a later command's output.
    await client.run(run(`disown ${pid}; kill ${pid}`));
  });

  test('commands queue one at a time', async () => {
    const a = client.run(run('sleep 0.3; echo first'));
    const b = client.run(run('echo second'));
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.content).toBe('first');
    expect(rb.content).toBe('second');
  });

  test('is_input or an empty command with nothing running answer OpenHands\' errors', async () => {
    const obs = await client.run(run('y', { is_input: true }));
    expect(obs.observation).toBe('run');
    expect(obs.content).toBe('ERROR: No previous running command to interact with.');
    const empty = await client.run(run(''));
    expect(empty.content).toBe('ERROR: No previous running command to retrieve logs from.');
    expect(empty.extras['command']).toBe('');
  });

  test('bad args are an INVALID_ACTION error', async () => {
    const obs = await client.run({ action: 'run', args: { cmd: 'ls' } });
    expect(obs.observation).toBe('error');
    expect(obs.extras['error_id']).toBe('INVALID_ACTION');
    expect(obs.content).toContain('args.command');
  });

  test('if bash exits, the next command gets a new session and says so', async () => {
    const obs = await client.run(run('export GONE=1; exit 7'));
    expect(obs.extras['metadata'].exit_code).toBe(7);
    const next = await client.run(run('echo "[$GONE]"'));
    expect(next.content).toBe('[]');
    expect(next.extras['metadata'].exit_code).toBe(0);
    expect(next.extras['metadata'].prefix).toContain('[The shell was restarted (bash exited with code 7)');
    expect(next.extras['metadata'].working_dir).toBe(dir);
  });

  test('cancel ($/cancelRequest) interrupts the running command', async () => {
    const { result, cancel } = client.runCancellable(run('echo go; sleep 30'), 60_000);
    await eventually(() => client.progress.some((p) => p.content.includes('go')));
    const started = Date.now();
    cancel();
    await result.catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(5000);
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
