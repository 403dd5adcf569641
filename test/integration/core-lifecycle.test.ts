/**
 * No plugin process, nor a child a plugin spawned, outlives `plugd start`: neither
 * after SIGTERM (graceful stop, exit 0) nor after SIGKILL (plugins see stdin EOF and
 * the SDK kills its process group).
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { FIXTURES, http, stopAllPlugd, pidAlive, startPlugd, tempDir, waitGone } from '../helpers/plugd-process.js';

const tmp = tempDir();
const leftovers: number[] = [];

afterEach(async () => {
  await stopAllPlugd();
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL'); // only if the test failed and left it behind
    } catch {
      // gone, as it should be
    }
  }
});
afterAll(() => tmp.remove());

async function startWithGrandchild(tag: string) {
  const pidFile = tmp.path(`${tag}.grandchild.pid`);
  const config = tmp.write(`${tag}.json`, {
    plugins: [
      { name: 'echo' },
      { name: 'gc', command: ['node', `${FIXTURES}/grandchild.mjs`], env: { FIXTURE_PID_FILE: pidFile, FIXTURE_ACTIONS: 'gc_echo' } },
    ],
  });
  const plugd = await startPlugd(['--port', '0', '-c', config, '--log-level', 'info']);
  await plugd.ready();
  const { body } = await http(plugd.url, '/plugins');
  const pids = (body.plugins as { name: string; state: string; pid?: number }[]).map((p) => {
    expect(p.state).toBe('ready');
    return p.pid!;
  });
  // the plugin writes the file before it answers initialize, so it is there once ready
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  expect(grandchild).toBeGreaterThan(0);
  const all = [...pids, grandchild];
  leftovers.push(...all);
  for (const pid of all) expect(pidAlive(pid)).toBe(true);
  return { plugd, pids: all };
}

describe('plugd start leaves no process behind', () => {
  it('on SIGTERM: stops every plugin and its children, exit code 0', async () => {
    const { plugd, pids } = await startWithGrandchild('term');
    const exit = await plugd.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await waitGone(pids)).toEqual([]);
    expect(plugd.stderr()).toMatch(/"msg":"plugd stopped"/);
  });

  it('on SIGKILL: the plugins see stdin EOF and exit, taking their children along', async () => {
    const { plugd, pids } = await startWithGrandchild('kill');
    const exit = await plugd.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    expect(await waitGone(pids)).toEqual([]);
  });
});
