import { describe, expect, it } from '@jest/globals';
import { ERROR_IDS } from '@plugd/protocol';
import { outcomeLabel } from '../src/metrics/outcome-label.js';

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
