import { describe, expect, it } from '@jest/globals';
import { formatSeconds, interruptBudgetMs, replyMarginMs, signalGroup, within, workTimeoutMs } from '../src/index.js';

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

describe('interruptBudgetMs', () => {
  it('is the time left less 100 ms to answer, between 300 ms and 4 s', () => {
    expect(interruptBudgetMs(10_000, 8_000)).toBe(1_900);
    expect(interruptBudgetMs(10_000, 9_950)).toBe(300);
    expect(interruptBudgetMs(60_000, 0)).toBe(4_000);
  });
});

describe('within', () => {
  it("gives the promise's value when it settles in time, else undefined", async () => {
    await expect(within(Promise.resolve('done'), 1_000)).resolves.toBe('done');
    await expect(within(new Promise(() => undefined), 10)).resolves.toBeUndefined();
  });
});

describe('signalGroup', () => {
  it('reports a group that does not exist as gone, and an undefined pid as nothing to signal', () => {
    expect(signalGroup(undefined, 'SIGKILL')).toBe(false);
    expect(signalGroup(2 ** 22 - 7, 0)).toBe(false);
  });
});
