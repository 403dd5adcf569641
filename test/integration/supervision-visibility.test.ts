/**
 * Visibility: GET /plugins and Supervisor.plugins() show state, pid, generation,
 * restarts, last exit, last error and next retry; POST /plugins/{name}/restart works;
 * typed events for spawn/ready/exit/restart/failed.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PlugdHttpServer } from '@plugd/supervisor';
import type { PluginStatus } from '@plugd/supervisor';
import { errorId, expectAllGone, harness, isAlive, nodeFixture } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

let h: Harness | undefined;
let http: PlugdHttpServer | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
  await h?.stopAndCheck();
  h = undefined;
});

async function serve(hh: Harness): Promise<string> {
  http = new PlugdHttpServer(hh.supervisor, { host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 20 });
  await http.listen();
  return http.url;
}

async function listPlugins(url: string): Promise<Record<string, PluginStatus>> {
  const res = await fetch(`${url}/plugins`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { plugins: PluginStatus[] };
  return Object.fromEntries(body.plugins.map((p) => [p.name, p]));
}

describe('GET /plugins and Supervisor.plugins()', () => {
  it('show a healthy plugin, a crashed-and-restarted one and a failed one', async () => {
    h = harness([
      { name: 'good', command: nodeFixture('behave.mjs'), env: { FIXTURE_ACTIONS: 'echo,crash' } },
      { name: 'bad', command: nodeFixture('crash-on-start.mjs'), restart: { maxRestarts: 1, failedRetryMs: 600_000 } },
    ]);
    const url = await serve(h);
    const failed = h.next('failed', (e) => e.plugin === 'bad');
    await h.supervisor.start();
    await failed;

    const ready = h.next('ready', (e) => e.plugin === 'good' && e.generation === 2);
    const exit = h.next('exit', (e) => e.plugin === 'good');
    expect(errorId(await h.run('crash', { code: 9 }))).toBe('PLUGIN_CRASHED');
    const e = await exit;
    await ready;

    const viaHttp = await listPlugins(url);
    const viaApi = Object.fromEntries(h.supervisor.plugins().map((p) => [p.name, p]));
    for (const statuses of [viaHttp, viaApi]) {
      const good = statuses['good']!;
      expect(good).toMatchObject({ state: 'ready', generation: 2, restarts: 1, actions: ['echo', 'crash'] });
      expect(typeof good.pid).toBe('number');
      expect(isAlive(good.pid!)).toBe(true);
      expect(good.pid).not.toBe(e.pid);
      expect(good.lastExit).toMatchObject({ code: 9, signal: null, reason: 'exited', at: new Date(e.at).toISOString() });
      expect(good.lastError).toContain('code 9');
      expect(good.nextRetryAt).toBeUndefined();

      const bad = statuses['bad']!;
      expect(bad).toMatchObject({ state: 'failed', generation: 2, restarts: 1 });
      expect(bad.pid).toBeUndefined();
      expect(bad.lastExit).toMatchObject({ code: 3, signal: null });
      expect(bad.lastError).toContain('boom: crash on start');
      expect(Date.parse(bad.nextRetryAt!)).toBeGreaterThan(Date.now() + 500_000);
    }
  });
});

describe('POST /plugins/{name}/restart', () => {
  it('starts a new generation with a new pid and answers its state', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    const url = await serve(h);
    await h.supervisor.start();
    const before = h.status('b');
    const res = await fetch(`${url}/plugins/b/restart`, { method: 'POST' });
    expect(res.status).toBe(200);
    const after = (await res.json()) as PluginStatus;
    expect(after).toMatchObject({ name: 'b', state: 'ready', generation: before.generation + 1 });
    expect(after.pid).not.toBe(before.pid);
    await expectAllGone([before.pid!]);
    expect(isAlive(after.pid!)).toBe(true);
    // a requested restart is no crash: the old generation exited as expected
    expect(h.events('exit')).toEqual([expect.objectContaining({ pid: before.pid, expected: true, reason: 'stopped' })]);
    expect(await h.run('echo', { text: 'new' })).toMatchObject({ content: 'new' });
  });

  it('answers 404 for an unknown plugin', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    const url = await serve(h);
    await h.supervisor.start();
    const res = await fetch(`${url}/plugins/nope/restart`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toContain('no plugin named "nope"');
  });
});

describe('typed events', () => {
  it('spawn, ready, exit, restart, failed carry what a dashboard needs', async () => {
    h = harness([{ name: 'loop', command: nodeFixture('crash-after-init.mjs'), env: { FIXTURE_CRASH_AFTER_MS: '30' }, restart: { maxRestarts: 1 } }]);
    const failed = h.next('failed');
    await h.supervisor.start();
    const f = await failed;
    const spawns = h.events('spawn');
    const readies = h.events('ready');
    const exits = h.events('exit');
    const restarts = h.events('restart');
    expect(spawns.map((s) => s.generation)).toEqual([1, 2]);
    expect(spawns.every((s) => typeof s.pid === 'number')).toBe(true);
    expect(readies.map((r) => r.pid)).toEqual(spawns.map((s) => s.pid));
    expect(readies[0]).toMatchObject({ plugin: 'loop', version: '1', actions: ['echo'] });
    expect(readies[0]!.startMs).toBeGreaterThanOrEqual(0);
    expect(exits.map((e) => [e.pid, e.code, e.expected])).toEqual(spawns.map((s) => [s.pid, 1, false]));
    expect(exits[0]!.stderrTail).toContain('crash-after-init: exiting 1 on purpose');
    expect(restarts).toEqual([{ plugin: 'loop', attempt: 1, delayMs: 20, at: expect.any(Number) }]);
    expect(f).toMatchObject({ plugin: 'loop', retryAt: expect.any(Number) });
    const states = h.events('state').map((s) => s.state);
    expect(states).toEqual(['starting', 'ready', 'restarting', 'ready', 'failed']);
  });
});
