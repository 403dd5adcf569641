import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { DEFAULT_RESTART } from '../src/config/defaults.js';
import type { ExitInfo } from '../src/process/exit-info.js';
import { RestartScheduler } from '../src/plugin/restart-scheduler.js';

afterEach(() => {
  jest.useRealTimers();
});

const crash = (uptimeMs = 10): ExitInfo => ({ generation: 1, pid: 1, code: 1, signal: null, at: Date.now(), uptimeMs, reason: 'exited', expected: false, stderrTail: [] });

describe('RestartScheduler', () => {
  it('restarts with backoff, fails past maxRestarts, and fails at once when told why (a missing program, a failed probe)', () => {
    const scheduler = new RestartScheduler({ ...DEFAULT_RESTART, jitter: 0, maxRestarts: 2 }, () => 0);
    expect(scheduler.decide(crash(), undefined)).toMatchObject({ kind: 'restart', delayMs: 200, attempt: 1 });
    expect(scheduler.decide(crash(), undefined)).toMatchObject({ kind: 'restart', delayMs: 400, attempt: 2 });
    expect(scheduler.decide(crash(), undefined)).toMatchObject({ kind: 'fail', retryInMs: 60_000 });
    expect(scheduler.restarts).toBe(2);
    expect(scheduler.decide(crash(), 'cannot find the program "x"')).toMatchObject({ kind: 'fail', reason: 'cannot find the program "x"', retryInMs: 60_000 });
    expect(scheduler.restarts).toBe(2);
  });

  it('keeps one timer: scheduling again replaces it, clear() cancels it and forgets nextRetryAt', () => {
    jest.useFakeTimers();
    const scheduler = new RestartScheduler(DEFAULT_RESTART);
    const fired: string[] = [];
    scheduler.schedule(100, () => fired.push('first'));
    scheduler.schedule(200, () => fired.push('second'));
    expect(scheduler.nextRetryAt).toBe(Date.now() + 200);
    jest.advanceTimersByTime(200);
    expect(fired).toEqual(['second']);
    scheduler.schedule(100, () => fired.push('third'));
    scheduler.clear();
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual(['second']);
    expect(scheduler.nextRetryAt).toBeUndefined();
    expect(scheduler.pending).toBe(false);
  });
});
