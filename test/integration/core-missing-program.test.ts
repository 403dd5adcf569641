/**
 * A plugin whose program does not exist does not stop `plugd start`: it is failed with
 * the reason, probed again later (and serves once the program appears); the others serve.
 * `--strict` keeps the fail-fast config error. A SIGTERM during a SIGHUP reload stops cleanly.
 */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { FIXTURES, http, stopAllPlugd, runPlugd, startPlugd, tempDir } from '../helpers/plugd-process.js';

const tmp = tempDir();
afterAll(async () => {
  await stopAllPlugd();
  tmp.remove();
});

function config(): string {
  return tmp.write('plugd.json', {
    plugins: [
      { name: 'later', command: [tmp.path('later-tool')], actions: ['later'], env: { FIXTURE_ACTIONS: 'later', FIXTURE_START_DELAY_MS: '0' }, restart: { failedRetryMs: 300 } },
      { name: 'echo' },
    ],
  });
}

async function pluginState(url: string, name: string): Promise<{ state: string; lastError?: string }> {
  const { body } = await http(url, '/plugins');
  return (body as { plugins: { name: string; state: string; lastError?: string }[] }).plugins.find((p) => p.name === name)!;
}

describe('plugd start with a plugin whose program does not exist', () => {
  it('serves the others, answers its actions PLUGIN_UNAVAILABLE with the reason, and serves it once the program appears', async () => {
    const plugd = await startPlugd(['--port', '0', '-c', config()]);
    await plugd.ready();
    const later = await pluginState(plugd.url, 'later');
    expect(later.state).toBe('failed');
    expect(later.lastError).toMatch(/cannot find the program ".*later-tool" \(not an executable file there\)/);
    const echo = await http(plugd.url, '/execute_action', { body: { action: { action: 'echo', args: { text: 'still here' } } } });
    expect(echo.body).toEqual({ observation: 'echo', content: 'still here', extras: {} });
    const refused = await http(plugd.url, '/execute_action', { body: { action: { action: 'later', args: { text: 'x' } } } });
    expect(refused.body).toMatchObject({ observation: 'error', extras: { error_id: 'PLUGIN_UNAVAILABLE' } });
    expect(refused.body.content).toMatch(/cannot find the program/);

    // Installed while plugd runs (renamed into place whole, never seen half-written).
    writeFileSync(tmp.path('later-tool.tmp'), `#!/bin/sh\nexec node ${FIXTURES}/slow-start.mjs\n`);
    chmodSync(tmp.path('later-tool.tmp'), 0o755);
    renameSync(tmp.path('later-tool.tmp'), tmp.path('later-tool'));
    const deadline = Date.now() + 30_000;
    while ((await pluginState(plugd.url, 'later')).state !== 'ready') {
      if (Date.now() > deadline) throw new Error(`plugin "later" not ready 30 s after its program appeared: ${JSON.stringify(await pluginState(plugd.url, 'later'))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const served = await http(plugd.url, '/execute_action', { body: { action: { action: 'later', args: { text: 'installed' } } } });
    expect(served.body).toEqual({ observation: 'echo', content: 'installed', extras: {} });
    expect(await plugd.stop()).toEqual({ code: 0, signal: null });
  });

  it('keeps the fail-fast config error (exit 2) with --strict', async () => {
    const run = await runPlugd(['start', '--strict', '--port', '0', '-c', tmp.write('strict.json', { plugins: [{ name: 'nope', command: [tmp.path('no-such-tool')] }] })]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/plugins\[0\]\.command\[0\]: cannot find the program/);
  });
});

describe('plugd start: SIGTERM during a SIGHUP reload', () => {
  it('stops cleanly (exit 0) while the reload waits for a plugin that never answers initialize', async () => {
    const file = tmp.write('slow.json', { plugins: [{ name: 'slow', command: ['node', `${FIXTURES}/slow-start.mjs`], env: { FIXTURE_START_DELAY_MS: '60000' } }] });
    const plugd = await startPlugd(['--port', '0', '-c', file]);
    plugd.child.kill('SIGHUP');
    await plugd.waitForStderr(/SIGHUP: reading the config again/).catch(async (error: Error) => {
      throw new Error(`${error.message}\nexit: ${JSON.stringify(await plugd.exited)}`);
    });
    const exit = await plugd.stop('SIGTERM');
    expect(plugd.stderr()).not.toMatch(/Maximum call stack|Unhandled|unhandled/);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
