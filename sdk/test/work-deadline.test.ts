import { describe, expect, it } from '@jest/globals';
import { formatSeconds, replyMarginMs, workTimeoutMs } from '../src/index.js';

describe('replyMarginMs', () => {
  it('is 20% of the time left, clamped to 300 ms .. 5 s', () => {
    expect(replyMarginMs(10_000)).toBe(2000);
    expect(replyMarginMs(1000)).toBe(300);
    expect(replyMarginMs(0)).toBe(300);
    expect(replyMarginMs(120_000)).toBe(5000);
  });
});

describe('workTimeoutMs', () => {
  const now = 1_000_000;

  it('without an action timeout, runs until the deadline minus the margin', () => {
    expect(workTimeoutMs(undefined, now + 120_000, now)).toBe(115_000);
    expect(workTimeoutMs(null, now + 10_000, now)).toBe(8000);
    expect(workTimeoutMs(0, now + 10_000, now)).toBe(8000);
    expect(workTimeoutMs(-3, now + 10_000, now)).toBe(8000);
  });

  it("uses the action's own timeout (seconds) when it ends first", () => {
    expect(workTimeoutMs(3, now + 120_000, now)).toBe(3000);
    expect(workTimeoutMs(0.5, now + 120_000, now)).toBe(500);
  });

  it('never goes past the deadline minus the margin, and is at least 50 ms', () => {
    expect(workTimeoutMs(60, now + 10_000, now)).toBe(8000);
    expect(workTimeoutMs(60, now + 200, now)).toBe(50);
    expect(workTimeoutMs(60, now - 5000, now)).toBe(50);
  });

  it('defaults now to Date.now()', () => {
    const t = workTimeoutMs(undefined, Date.now() + 120_000);
    expect(t).toBeGreaterThan(114_000);
    expect(t).toBeLessThanOrEqual(115_000);
  });
});

describe('formatSeconds', () => {
  it('prints whole seconds bare and others with one decimal', () => {
    expect(formatSeconds(30_000)).toBe('30');
    expect(formatSeconds(2500)).toBe('2.5');
    expect(formatSeconds(1234)).toBe('1.2');
    expect(formatSeconds(0)).toBe('0');
  });
});
