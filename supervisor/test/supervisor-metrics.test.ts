/** SupervisorMetrics loads prom-client lazily (plugd at rest) without changing what /metrics shows. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { SupervisorEvents } from '../src/events.js';
import type { PluginStatus } from '../src/plugin/plugin-status.js';
import { MAX_PENDING_UPDATES, SupervisorMetrics } from '../src/metrics/supervisor-metrics.js';

const plugins = () => [{ name: 'shell', state: 'ready', inFlight: 0, queued: 0 }, { name: 'echo', state: 'ready', inFlight: 1, queued: 2 }] as unknown as readonly PluginStatus[];

/** One of each counted event, with latencies whose float sum depends on the order they are added in. */
function emitSome(source: EventEmitter<SupervisorEvents>, round: number): void {
  for (const [i, ms] of [0.3, 7.1, 2.9, 151, 0.1, 42_000].entries()) {
    source.emit('action', { plugin: i % 2 ? 'shell' : 'echo', type: 'run', generation: 1, durationMs: ms * (round + 1), outcome: i === 3 ? 'ACTION_TIMEOUT' : 'ok' });
  }
  source.emit('fallback', { plugin: 'echo', primary: 'shell', type: 'run' } as never);
  source.emit('retry', { plugin: 'shell', type: 'run' } as never);
  source.emit('call', { plugin: 'echo', type: 'run', outcome: 'ok' } as never);
  source.emit('restart', { plugin: 'shell' } as never);
  source.emit('reload', { plugin: 'echo' } as never);
  source.emit('reload_failed', { plugin: 'shell' } as never);
  source.emit('exit', { plugin: 'shell', reason: 'crashed', expected: false } as never);
  source.emit('exit', { plugin: 'echo', reason: 'stopped', expected: true } as never);
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 30 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SupervisorMetrics', () => {
  it('does not load prom-client before the first scrape, and the scrape shows every event from before it', async () => {
    const source = new EventEmitter<SupervisorEvents>();
    const metrics = new SupervisorMetrics(source, plugins);
    emitSome(source, 0);
    expect(metrics.loaded).toBe(false);
    const text = await metrics.text();
    expect(metrics.loaded).toBe(true);
    expect(text).toContain('plugd_actions_total{plugin="echo",type="run",outcome="ok"} 3');
    expect(text).toContain('plugd_action_duration_seconds_count{plugin="shell",type="run"} 3');
    expect(text).toContain('plugd_plugin_restarts_total{plugin="shell"} 1');
    expect(text).toContain('plugd_plugin_restarts_total{plugin="echo"} 0');
    expect(text).toContain('plugd_plugin_exits_total{plugin="shell",reason="crashed"} 1');
    expect(text).not.toContain('reason="stopped"');
    expect(text).toContain('plugd_plugin_queued{plugin="echo"} 2');
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('shows exactly the text it would have shown had prom-client been loaded from the start', async () => {
    const early = new EventEmitter<SupervisorEvents>();
    const late = new EventEmitter<SupervisorEvents>();
    const loadedEarly = new SupervisorMetrics(early, plugins);
    await loadedEarly.text();
    const loadedLate = new SupervisorMetrics(late, plugins);
    for (let round = 0; round < 3; round++) {
      emitSome(early, round);
      emitSome(late, round);
    }
    const lateText = await loadedLate.text();
    expect(lateText).toBe(await loadedEarly.text());
    // and after the lazy load, both go on counting alike
    emitSome(early, 3);
    emitSome(late, 3);
    expect(await loadedLate.text()).toBe(await loadedEarly.text());
  });

  it(`loads prom-client by itself once ${MAX_PENDING_UPDATES} updates wait for a scrape, and loses none of them`, async () => {
    const source = new EventEmitter<SupervisorEvents>();
    const metrics = new SupervisorMetrics(source, plugins);
    const n = MAX_PENDING_UPDATES + 10;
    for (let i = 0; i < n; i++) source.emit('restart', { plugin: 'echo', attempt: 1, delayMs: 0, at: 0 });
    await until(() => metrics.loaded);
    source.emit('restart', { plugin: 'echo', attempt: 1, delayMs: 0, at: 0 });
    expect(await metrics.text()).toContain(`plugd_plugin_restarts_total{plugin="echo"} ${n + 1}`);
  });

  it('counts actions in plain numbers without loading prom-client', async () => {
    const source = new EventEmitter<SupervisorEvents>();
    const metrics = new SupervisorMetrics(source, plugins);
    for (let i = 0; i < MAX_PENDING_UPDATES * 2; i++) source.emit('action', { plugin: 'echo', type: 'echo', generation: 1, durationMs: 1, outcome: 'ok' });
    // a queued backlog would have started loading by now (the module is already cached by the tests above)
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(metrics.loaded).toBe(false);
    expect(await metrics.text()).toContain(`plugd_actions_total{plugin="echo",type="echo",outcome="ok"} ${MAX_PENDING_UPDATES * 2}`);
  });
});
