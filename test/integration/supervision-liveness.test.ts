/**
 * Liveness: a plugin that stops answering $/ping (SIGSTOP, a blocked event loop) is
 * killed and restarted and its in-flight actions answered; a long action that reports
 * progress is not a hang; a plugin that ignores SIGTERM is SIGKILLed on stop.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { errorId, expectAllGone, harness, nodeFixture } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stopAndCheck();
  h = undefined;
});

// ~1 s of silence before a kill: fast, yet tolerant of a loaded machine's scheduling stalls
const PINGS = { pingIntervalMs: 200, pingMisses: 5 };

async function inFlight(hh: Harness, name: string, count = 1): Promise<void> {
  // no event announces that a request reached the plugin: poll the status
  while (hh.status(name).inFlight < count) await new Promise((r) => setTimeout(r, 10));
}

describe('unresponsive plugins', () => {
  it('a SIGSTOPped plugin is killed as unresponsive, restarted, and its actions answered', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs'), timeouts: PINGS }]);
    await h.supervisor.start();
    const pid = h.status('b').pid!;
    const pending = [h.run('sleep', { ms: 60_000 }), h.run('sleep', { ms: 60_000 })];
    await inFlight(h, 'b', 2);
    const exit = h.next('exit', (e) => e.pid === pid);
    const ready = h.next('ready', (e) => e.generation === 2);
    process.kill(pid, 'SIGSTOP');
    const e = await exit;
    expect(e).toMatchObject({ reason: 'unresponsive', signal: 'SIGKILL', expected: false });
    expect(e.detail).toMatch(/answered none of 5 pings/);
    for (const o of await Promise.all(pending)) {
      expect(errorId(o)).toBe('PLUGIN_CRASHED');
      expect(o.content).toMatch(/killed as unresponsive/);
      expect(o.content).toContain(`pid ${pid}`);
    }
    await ready;
    expect(await h.run('echo', { text: 'alive' })).toMatchObject({ content: 'alive' });
    expect(h.status('b')).toMatchObject({ state: 'ready', generation: 2, restarts: 1 });
    expect(h.status('b').lastExit).toMatchObject({ reason: 'unresponsive', signal: 'SIGKILL' });
  });

  it('a plugin whose event loop is blocked is killed and restarted', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs'), timeouts: PINGS }]);
    await h.supervisor.start();
    const ready = h.next('ready', (e) => e.generation === 2);
    const o = await h.run('block', { ms: 120_000 });
    expect(errorId(o)).toBe('PLUGIN_CRASHED');
    expect(o.content).toMatch(/killed as unresponsive/);
    await ready;
    expect(await h.run('echo', { text: 'ok' })).toMatchObject({ content: 'ok' });
  });

  it('a long action that reports progress is not mistaken for a hang', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs'), timeouts: { pingIntervalMs: 150, pingMisses: 6 } }]);
    await h.supervisor.start();
    const o = await h.run('progress', { ms: 2_500, every: 100 });
    expect(o).toMatchObject({ observation: 'progress', content: 'done' });
    expect(h.events('exit')).toHaveLength(0);
    expect(h.status('b')).toMatchObject({ state: 'ready', generation: 1, restarts: 0 });
  });
});

describe('stop escalation', () => {
  it('a well-behaved plugin exits 0 on its own when stopped (no signal needed)', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    await h.supervisor.start();
    const exit = h.next('exit');
    await h.supervisor.stop();
    expect(await exit).toMatchObject({ code: 0, signal: null, reason: 'stopped', expected: true });
  });

  it('stop() during a slow start kills the start instead of waiting for initMs', async () => {
    h = harness([{ name: 'slow', command: nodeFixture('slow-start.mjs'), env: { FIXTURE_START_DELAY_MS: '120000' }, timeouts: { initMs: 100_000 } }]);
    const spawned = h.next('spawn');
    const starting = h.supervisor.start();
    const { pid } = await spawned;
    const t0 = Date.now();
    await h.supervisor.stop();
    await starting;
    expect(Date.now() - t0).toBeLessThan(30_000);
    await expectAllGone([pid!]);
    expect(h.status('slow').state).toBe('stopped');
    expect(h.events('restart')).toHaveLength(0);
  });

  it('a plugin that ignores shutdown and SIGTERM gets SIGKILL after shutdownMs steps', async () => {
    h = harness([{ name: 'stubborn', command: nodeFixture('ignore-sigterm.mjs'), timeouts: { shutdownMs: 300 } }]);
    const stderr: string[] = [];
    h.supervisor.on('stderr', (e) => stderr.push(e.line));
    await h.supervisor.start();
    expect(await h.run('echo', { text: 'hi' })).toMatchObject({ content: 'hi' });
    const pid = h.status('stubborn').pid!;
    const exit = h.next('exit');
    const t0 = Date.now();
    await h.supervisor.stop();
    const e = await exit;
    expect(e).toMatchObject({ pid, signal: 'SIGKILL', reason: 'stopped', expected: true });
    expect(stderr.join('\n')).toContain('got SIGTERM, ignoring it');
    // shutdown (300) + stdin closed (300) + SIGTERM (300) at least; bounded well below the test deadline
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
    expect(Date.now() - t0).toBeLessThan(20_000);
    await expectAllGone([pid]);
    expect(h.status('stubborn').state).toBe('stopped');
  });
});
