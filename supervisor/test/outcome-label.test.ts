import { describe, expect, it } from '@jest/globals';
import { ERROR_IDS } from '@plugd/protocol';
import { EventEmitter } from 'node:events';
import type { SupervisorEvents } from '../src/events.js';
import { outcomeLabel } from '../src/metrics/outcome-label.js';
import { SupervisorMetrics } from '../src/metrics/supervisor-metrics.js';

describe('outcomeLabel', () => {
  it('keeps "ok" and every plugd error id', () => {
    expect(outcomeLabel('ok')).toBe('ok');
    for (const id of ERROR_IDS) expect(outcomeLabel(id)).toBe(id);
  });

  it('maps any error id a plugin invents to "other", so the metric label set stays bounded', () => {
    expect(outcomeLabel('FILE_NOT_FOUND')).toBe('other');
    expect(outcomeLabel(`x-${Math.random()}`)).toBe('other');
    expect(outcomeLabel('error')).toBe('other');
  });
});

describe('plugd_actions_total', () => {
  it('counts a plugin-chosen error id as outcome="other", never as a label of its own', async () => {
    const source = new EventEmitter<SupervisorEvents>();
    const metrics = new SupervisorMetrics(source, () => []);
    for (let i = 0; i < 50; i++) source.emit('action', { plugin: 'p', type: 'run', generation: 1, durationMs: 1, outcome: `MADE_UP_${i}` });
    source.emit('action', { plugin: 'p', type: 'run', generation: 1, durationMs: 1, outcome: 'ACTION_TIMEOUT' });
    const text = await metrics.text();
    expect(text).toContain('plugd_actions_total{plugin="p",type="run",outcome="other"} 50');
    expect(text).toContain('plugd_actions_total{plugin="p",type="run",outcome="ACTION_TIMEOUT"} 1');
    expect(text).not.toContain('MADE_UP');
  });
});
