import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { Counter, Histogram, Registry } from 'prom-client';
import type { SupervisorEvents } from '../src/events.js';
import { LATENCY_BUCKETS, SupervisorMetrics } from '../src/metrics/supervisor-metrics.js';

/** The lines of one metric family in an exposition text. */
const family = (text: string, name: string): string[] => text.split('\n').filter((l) => l.startsWith(name) || l.includes(` ${name} `));

describe('the per-action metrics, counted in a tally and read when scraped', () => {
  it("expose exactly what prom-client's own Counter and Histogram expose for the same actions", async () => {
    const source = new EventEmitter<SupervisorEvents>();
    const metrics = new SupervisorMetrics(source, () => []);
    const registry = new Registry();
    const counter = new Counter({ name: 'plugd_actions_total', help: 'Actions answered, by plugin, action type and outcome ("ok", a plugd error_id, or "other")', labelNames: ['plugin', 'type', 'outcome'], registers: [registry] });
    const histogram = new Histogram({ name: 'plugd_action_duration_seconds', help: 'Time from accepting an action to its Observation', labelNames: ['plugin', 'type'], buckets: LATENCY_BUCKETS, registers: [registry] });
    // On a bound, between bounds, above the last one, zero; several plugins, types, outcomes.
    const durationsMs = [0, 1, 1.5, 5, 7, 250, 999, 1000, 120_000, 200_000, 33.3, 0.2];
    const plugins = ['a', 'b'];
    const types = ['run', 'call_tool_mcp'];
    const outcomes = ['ok', 'ACTION_TIMEOUT', 'ok', 'PLUGIN_CRASHED'];
    let i = 0;
    for (const plugin of plugins) {
      for (const type of types) {
        for (const durationMs of durationsMs) {
          const outcome = outcomes[i++ % outcomes.length]!;
          source.emit('action', { plugin, type, generation: 1, durationMs, outcome });
          counter.inc({ plugin, type, outcome });
          histogram.observe({ plugin, type }, durationMs / 1000);
        }
      }
    }
    const ours = await metrics.text();
    const theirs = await registry.metrics();
    for (const name of ['plugd_actions_total', 'plugd_action_duration_seconds']) {
      expect(family(ours, name).length).toBeGreaterThan(4);
      expect(family(ours, name)).toEqual(family(theirs, name));
    }
    // A second scrape reads the same totals (nothing counted twice), and later actions add.
    expect(family(await metrics.text(), 'plugd_actions_total')).toEqual(family(theirs, 'plugd_actions_total'));
    source.emit('action', { plugin: 'a', type: 'run', generation: 1, durationMs: 2, outcome: 'ok' });
    counter.inc({ plugin: 'a', type: 'run', outcome: 'ok' });
    histogram.observe({ plugin: 'a', type: 'run' }, 0.002);
    const again = await metrics.text();
    const theirsAgain = await registry.metrics();
    for (const name of ['plugd_actions_total', 'plugd_action_duration_seconds']) expect(family(again, name)).toEqual(family(theirsAgain, name));
  });
});
