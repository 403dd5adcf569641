/** The hand-kept action metrics read exactly as prom-client's own Counter and Histogram would. */
import { describe, expect, it } from '@jest/globals';
import { Counter, Histogram, Registry } from 'prom-client';
import { ActionTally } from '../src/metrics/action-tally.js';
import { LATENCY_BUCKETS } from '../src/metrics/supervisor-metrics.js';

const COUNTER = { name: 'plugd_actions_total', help: 'Actions answered' };
const HISTOGRAM = { name: 'plugd_action_duration_seconds', help: 'Time to answer' };
const SAMPLES: [string, string, string, number][] = [
  ['echo', 'echo', 'ok', 0.0004],
  ['echo', 'echo', 'ok', 0.001],
  ['echo', 'echo', 'ACTION_TIMEOUT', 120],
  ['shell', 'run', 'ok', 0.2],
  ['echo', 'echo', 'ok', 500],
  ['files', 'read "x"', 'other', 0.03],
];

describe('ActionTally', () => {
  it('exposes the same text as prom-client Counter + Histogram fed the same actions', async () => {
    const theirs = new Registry();
    const counter = new Counter({ ...COUNTER, labelNames: ['plugin', 'type', 'outcome'], registers: [theirs] });
    const histogram = new Histogram({ ...HISTOGRAM, labelNames: ['plugin', 'type'], buckets: LATENCY_BUCKETS, registers: [theirs] });
    const ours = new Registry();
    const tally = new ActionTally(LATENCY_BUCKETS);
    tally.register(ours, COUNTER, HISTOGRAM);
    for (const [plugin, type, outcome, seconds] of SAMPLES) {
      counter.inc({ plugin, type, outcome });
      histogram.observe({ plugin, type }, seconds);
      tally.record(plugin, type, outcome, seconds);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('plugd_action_duration_seconds_bucket{le="0.001",plugin="echo",type="echo"} 2');
  });

  it('starts empty again after the registry resets its metrics', async () => {
    const registry = new Registry();
    const tally = new ActionTally(LATENCY_BUCKETS);
    tally.register(registry, COUNTER, HISTOGRAM);
    tally.record('echo', 'echo', 'ok', 0.01);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('plugd_actions_total{');
  });
});
