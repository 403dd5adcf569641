/**
 * definePlugin in real processes: `node sdk/test/fixtures/sdk-plugin.mjs`, which imports
 * the built `@plugd/sdk` (run `tsc -b tsconfig.build.json` first).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { initializeParams, isAlive, killAllSpawned, parseFramesStrict, spawnRaw, waitFor, within } from '../../test/helpers/spawn-raw.js';
import type { SpawnRawOptions } from '../../test/helpers/spawn-raw.js';

const PLUGIN = fileURLToPath(new URL('./fixtures/sdk-plugin.mjs', import.meta.url));
const spawnPlugin = (options?: SpawnRawOptions) => spawnRaw(['node', PLUGIN], options);
const sleepPids: number[] = [];

afterEach(async () => {
  await killAllSpawned();
  for (const pid of sleepPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

describe('definePlugin in a real process', () => {
  it('started without PLUGD_PROTOCOL, prints one line to stderr and exits 2', async () => {
    const p = spawnPlugin({ env: { PLUGD_PROTOCOL: undefined } });
    await expect(within(p.exited, 20_000, 'the refusal')).resolves.toEqual({ code: 2, signal: null });
    const lines = p.stderr().split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PLUGD_PROTOCOL=1');
    expect(lines[0]).toContain('sdk-plugin');
    expect(p.stdout().length).toBe(0);
  });

  it('exits 2 without PLUGD_PROTOCOL even when top-level code would keep it alive', async () => {
    const p = spawnPlugin({ env: { PLUGD_PROTOCOL: undefined, SDK_PLUGIN_KEEPALIVE: '1' } });
    await expect(within(p.exited, 20_000, 'the refusal')).resolves.toEqual({ code: 2, signal: null });
    expect(p.stderr()).toContain('PLUGD_PROTOCOL=1');
  });

  it('sends console output of plugin code to stderr; stdout carries only frames', async () => {
    const p = spawnPlugin();
    await within(p.connection.sendRequest('initialize', initializeParams('sdk-plugin')), 20_000, 'initialize');
    const marker = `marker-${process.pid}-${Date.now()}`;
    await expect(p.connection.sendRequest('run', { action: { action: 'console', args: { marker } } })).resolves.toMatchObject({
      content: 'logged',
    });
    for (const method of ['log', 'info', 'debug', 'warn', 'error', 'dir', 'table', 'group', 'count', 'trace']) {
      await waitFor(() => p.stderr().includes(`${marker} ${method}`), 10_000, `console.${method} on stderr`);
    }
    const stdout = p.stdout();
    expect(stdout.toString('utf8')).not.toContain(marker);
    const frames = parseFramesStrict(stdout);
    expect(frames).toHaveLength(2); // the two responses, nothing else
    expect(frames).toEqual([expect.objectContaining({ id: 0 }), expect.objectContaining({ id: 1 })]);
  });

  it('exits 0 when its stdin closes', async () => {
    const p = spawnPlugin();
    await within(p.connection.sendRequest('initialize', initializeParams('sdk-plugin')), 20_000, 'initialize');
    expect(p.child.exitCode).toBeNull();
    p.child.stdin.end();
    await expect(within(p.exited, 20_000, 'exit on stdin EOF')).resolves.toEqual({ code: 0, signal: null });
  });

  it('exits 0 after shutdown and exit', async () => {
    const p = spawnPlugin();
    await within(p.connection.sendRequest('initialize', initializeParams('sdk-plugin')), 20_000, 'initialize');
    await expect(p.connection.sendRequest('shutdown', {})).resolves.toBeNull();
    await p.connection.sendNotification('exit', {});
    await expect(within(p.exited, 20_000, 'exit')).resolves.toEqual({ code: 0, signal: null });
  });

  it('kills a grandchild it spawned when its stdin closes (as a process-group leader)', async () => {
    const p = spawnPlugin({ detached: true });
    await within(p.connection.sendRequest('initialize', initializeParams('sdk-plugin')), 20_000, 'initialize');
    const obs = (await p.connection.sendRequest('run', { action: { action: 'spawn', args: {} } })) as { content: string };
    const grandchild = Number(obs.content);
    expect(Number.isInteger(grandchild) && grandchild > 0).toBe(true);
    sleepPids.push(grandchild);
    expect(isAlive(grandchild)).toBe(true);

    p.child.stdin.end();
    const exit = await within(p.exited, 20_000, 'the plugin to exit');
    // It SIGKILLs its whole group, itself included.
    expect(exit.code === 0 || exit.signal === 'SIGKILL').toBe(true);
    // SIGKILL was sent to the group before the plugin died; the grandchild may still be a
    // zombie waiting to be reaped, which isAlive() counts as dead.
    await waitFor(() => !isAlive(grandchild), 10_000, `grandchild ${grandchild} to die`);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('tells the supervisor about a process group it starts (plugd/processGroup) and kills that group when its stdin closes', async () => {
    const p = spawnPlugin({ detached: true });
    const told: unknown[] = [];
    p.connection.onNotification('plugd/processGroup', (params: unknown) => {
      told.push(params);
    });
    await within(p.connection.sendRequest('initialize', initializeParams('sdk-plugin')), 20_000, 'initialize');
    const obs = (await p.connection.sendRequest('run', { action: { action: 'spawnGroup', args: {} } })) as { content: string };
    const leader = Number(obs.content);
    sleepPids.push(leader);
    await waitFor(() => told.length > 0, 10_000, 'the plugd/processGroup notification');
    expect(told).toEqual([{ pgid: leader, alive: true }]);

    p.child.stdin.end();
    await within(p.exited, 20_000, 'the plugin to exit');
    // Its own group's SIGKILL does not reach a group of its own: only the tracking does.
    await waitFor(() => !isAlive(leader), 10_000, `group leader ${leader} to die`);
  });
});
