/**
 * The shell as a terminal, through plugd's HTTP API: real programs waiting for input
 * driven by is_input, terminal keys, the soft timeout, and a crash of the shell plugin
 * in the middle of it all.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { http, stopAllPlugd, waitGone } from '../helpers/plugd-process.js';
import { exitCode, loadRuntime, md } from './runtime.js';
import type { Runtime } from './runtime.js';

let rt: Runtime;

beforeAll(async () => {
  rt = await loadRuntime({ noChangeTimeoutSeconds: 2 });
});

afterAll(async () => {
  await rt?.close();
  await stopAllPlugd();
});

async function shellPlugin(): Promise<{ pid: number; state: string; restarts: number }> {
  const list = (await http(rt.plugd.url, '/plugins', { headers: { 'X-Session-API-Key': rt.key } })).body.plugins as Array<Record<string, any>>;
  return list.find((p) => p['name'] === 'shell') as any;
}

describe('shell under a pseudo-terminal', () => {
  test('soft timeout: no new output for NO_CHANGE_TIMEOUT_SECONDS returns exit -1 with the note in the suffix, not the content', async () => {
    const obs = await rt.run('echo started; sleep 5');
    expect(obs.content).toBe('started');
    expect(exitCode(obs)).toBe(-1);
    expect(md(obs).suffix).toMatch(/^\n\[The command has no new output after 2 seconds\. You may wait longer/);
    expect(obs.content).not.toContain('no new output');
    const stop = await rt.run('C-c', { isInput: true });
    expect(exitCode(stop)).toBe(130);
  });

  test('blocking: true waits past the soft timeout', async () => {
    const obs = await rt.run('sleep 2.5; echo done', { blocking: true, timeout: 20 });
    expect(obs.content).toBe('done');
    expect(exitCode(obs)).toBe(0);
  });

  test('read -p shows its prompt and takes the answer typed with is_input', async () => {
    let obs = await rt.run('read -p "name? " who; echo "hi $who"');
    expect(obs.content).toBe('name?');
    obs = await rt.run('ada', { isInput: true });
    expect(obs.content).toBe('hi ada');
    expect(exitCode(obs)).toBe(0);
  });

  test('C-d ends input to a program reading the terminal (cat) and C-z stops a job', async () => {
    let obs = await rt.run('cat');
    expect(exitCode(obs)).toBe(-1);
    obs = await rt.run('line one', { isInput: true });
    expect(obs.content).toBe('line one');
    obs = await rt.run('C-d', { isInput: true });
    expect(exitCode(obs)).toBe(0);
    expect(md(obs).suffix).toBe('\n[The command completed with exit code 0. CTRL+D was sent.]');
    obs = await rt.run('sleep 30');
    obs = await rt.run('C-z', { isInput: true });
    expect(exitCode(obs)).toBe(148);
    expect(obs.content).toContain('Stopped');
    expect(exitCode(await rt.run('kill -9 %1'))).toBe(0);
  });

  test('output past the history limit keeps the last lines and says so in metadata.prefix', async () => {
    const obs = await rt.run('seq 1 12000', { timeout: 30 });
    expect(exitCode(obs)).toBe(0);
    expect(md(obs).prefix).toBe('[Previous command outputs are truncated. Showing the last 11000 lines of the output below.]\n');
    expect(obs.content.endsWith('11999\n12000')).toBe(true);
  });

  test('a crash of the shell plugin: the running command gets PLUGIN_CRASHED, the restarted shell says so and keeps the directory', async () => {
    await rt.run(`mkdir -p ${rt.workspace}/kept && cd ${rt.workspace}/kept`);
    const bash = Number((await rt.run('echo $$')).content);
    const before = await shellPlugin();
    const running = rt.run('echo working; sleep 30', { blocking: true, timeout: 60 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.kill(before.pid, 'SIGKILL');
    const crashed = await running;
    expect(crashed.observation).toBe('error');
    expect(crashed.extras['error_id']).toBe('PLUGIN_CRASHED');
    const obs = await rt.run('pwd', { timeout: 30 });
    expect(obs.observation).toBe('run');
    expect(md(obs).prefix).toMatch(/^\[The shell was restarted \(the shell plugin process ended and plugd started a new one\)/);
    expect(obs.content).toBe(`${rt.workspace}/kept`);
    const after = await shellPlugin();
    expect(after.pid).not.toBe(before.pid);
    // The old bash lost its terminal (SIGHUP) with its plugin: none is left behind.
    expect(await waitGone([bash])).toEqual([]);
    const next = await rt.run('echo fine');
    expect(md(next).prefix).toBe('');
    // and the terminal semantics are all there again
    expect(exitCode(await rt.run('sleep 5'))).toBe(-1);
    expect(exitCode(await rt.run('C-c', { isInput: true }))).toBe(130);
  });
});
