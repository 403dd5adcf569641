/** RestartPolicy alone: no processes, no timers; time and randomness are injected. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RESTART } from '../src/config/defaults.js';
import type { RestartOptions } from '../src/config/types.js';
import { RestartPolicy } from '../src/policy/restart-policy.js';
import type { RestartDecision } from '../src/policy/restart-policy.js';

const options = (over: Partial<RestartOptions> = {}): RestartOptions => ({
  ...DEFAULT_RESTART,
  initialDelayMs: 100,
  factor: 2,
  maxDelayMs: 1_000,
  jitter: 0,
  minUptimeMs: 5_000,
  maxRestarts: 100,
  windowMs: 60_000,
  failedRetryMs: 30_000,
  ...over,
});

/** A crash `uptimeMs` after start, at time `at`. */
const crash = (at: number, uptimeMs = 10) => ({ at, uptimeMs, clean: false });

function delays(policy: RestartPolicy, count: number, start = 0, stepMs = 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const d = policy.onExit(crash(start + i * stepMs));
    if (d.kind !== 'restart') throw new Error(`expected restart, got ${JSON.stringify(d)}`);
    out.push(d.delayMs);
  }
  return out;
}

describe('RestartPolicy backoff', () => {
  it('grows exponentially by factor from initialDelayMs and caps at maxDelayMs', () => {
    const policy = new RestartPolicy(options(), () => 0);
    expect(delays(policy, 7)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('honours another factor', () => {
    const policy = new RestartPolicy(options({ factor: 3, initialDelayMs: 10, maxDelayMs: 10_000 }), () => 0);
    expect(delays(policy, 4)).toEqual([10, 30, 90, 270]);
  });

  it('numbers attempts from 1', () => {
    const policy = new RestartPolicy(options(), () => 0);
    const attempts = [0, 1, 2].map((i) => (policy.onExit(crash(i)) as Extract<RestartDecision, { kind: 'restart' }>).attempt);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('jitter shortens each delay by up to the jitter fraction, using the injected random', () => {
    const randoms = [1, 0.5, 0];
    const policy = new RestartPolicy(options({ jitter: 0.5 }), () => randoms.shift() ?? 0);
    // base 100, 200, 400 -> shortened by 50%, 25%, 0%
    expect(delays(policy, 3)).toEqual([50, 150, 400]);
  });

  it('jittered delays stay within [base * (1 - jitter), base]', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const policy = new RestartPolicy(options({ jitter: 0.2, maxDelayMs: 100_000 }), random);
    const got = delays(policy, 8);
    got.forEach((d, i) => {
      const base = 100 * 2 ** i;
      expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
      expect(d).toBeLessThanOrEqual(base);
    });
    // not all at the bound: the random source was used
    expect(got.some((d, i) => d !== 100 * 2 ** i)).toBe(true);
  });

  it('initialDelayMs 0 restarts at once, every time', () => {
    const policy = new RestartPolicy(options({ initialDelayMs: 0 }), () => 0.7);
    expect(delays(policy, 5)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('RestartPolicy reset after minUptimeMs', () => {
  it('starts the backoff over when the plugin stayed up minUptimeMs', () => {
    const policy = new RestartPolicy(options(), () => 0);
    expect(delays(policy, 3)).toEqual([100, 200, 400]);
    const healthy = policy.onExit({ at: 10_000, uptimeMs: 5_000, clean: false });
    expect(healthy).toMatchObject({ kind: 'restart', delayMs: 100, attempt: 1 });
    expect(policy.onExit(crash(10_001))).toMatchObject({ kind: 'restart', delayMs: 200, attempt: 2 });
  });

  it('does not reset for a run just short of minUptimeMs', () => {
    const policy = new RestartPolicy(options(), () => 0);
    delays(policy, 2);
    expect(policy.onExit({ at: 10_000, uptimeMs: 4_999, clean: false })).toMatchObject({ kind: 'restart', delayMs: 400 });
  });

  it('reset() forgets delays and the restart window', () => {
    const policy = new RestartPolicy(options({ maxRestarts: 2 }), () => 0);
    delays(policy, 2);
    expect(policy.onExit(crash(3)).kind).toBe('fail');
    policy.reset();
    expect(policy.onExit(crash(4))).toMatchObject({ kind: 'restart', delayMs: 100, attempt: 1 });
  });
});

describe('RestartPolicy modes', () => {
  it('always: restarts after a clean exit too', () => {
    const policy = new RestartPolicy(options({ mode: 'always' }), () => 0);
    expect(policy.onExit({ at: 0, uptimeMs: 10, clean: true })).toMatchObject({ kind: 'restart', delayMs: 100 });
  });

  it('on-failure: restarts a crash, leaves a clean exit stopped', () => {
    const policy = new RestartPolicy(options({ mode: 'on-failure' }), () => 0);
    expect(policy.onExit(crash(0))).toMatchObject({ kind: 'restart', delayMs: 100 });
    const clean = policy.onExit({ at: 1, uptimeMs: 10, clean: true });
    expect(clean.kind).toBe('stay-stopped');
    expect(clean.kind === 'stay-stopped' && clean.reason).toMatch(/on-failure/);
  });

  it('never: stays stopped even after a crash', () => {
    const policy = new RestartPolicy(options({ mode: 'never' }), () => 0);
    const d = policy.onExit(crash(0));
    expect(d.kind).toBe('stay-stopped');
    expect(d.kind === 'stay-stopped' && d.reason).toMatch(/never/);
  });
});

describe('RestartPolicy maxRestarts within windowMs', () => {
  it('fails on the exit past maxRestarts within the window, with failedRetryMs and a reason', () => {
    const policy = new RestartPolicy(options({ maxRestarts: 3, windowMs: 1_000, failedRetryMs: 7_000 }), () => 0);
    expect(delays(policy, 3, 0, 100)).toEqual([100, 200, 400]);
    const d = policy.onExit(crash(300));
    expect(d).toMatchObject({ kind: 'fail', retryInMs: 7_000 });
    expect(d.kind === 'fail' && d.reason).toMatch(/4 times within 1000 ms \(maxRestarts 3\)/);
  });

  it('counts only restarts inside the sliding window', () => {
    const policy = new RestartPolicy(options({ maxRestarts: 2, windowMs: 1_000 }), () => 0);
    expect(policy.onExit(crash(0)).kind).toBe('restart');
    expect(policy.onExit(crash(600)).kind).toBe('restart');
    // t=1100: the restart at 0 has left the window, one (600) remains
    expect(policy.onExit(crash(1_100)).kind).toBe('restart');
    // t=1200: 600 and 1100 are in the window -> past maxRestarts
    expect(policy.onExit(crash(1_200)).kind).toBe('fail');
  });

  it('maxRestarts 0 fails on the first crash', () => {
    const policy = new RestartPolicy(options({ maxRestarts: 0 }), () => 0);
    expect(policy.onExit(crash(0))).toMatchObject({ kind: 'fail', retryInMs: 30_000 });
  });

  it('never/on-failure decide before the window is counted', () => {
    const policy = new RestartPolicy(options({ mode: 'on-failure', maxRestarts: 0 }), () => 0);
    expect(policy.onExit({ at: 0, uptimeMs: 1, clean: true }).kind).toBe('stay-stopped');
  });
});

describe('defaults', () => {
  it('are the documented ones (docs/supervision.md)', () => {
    expect(DEFAULT_RESTART).toEqual({
      mode: 'always',
      initialDelayMs: 200,
      factor: 2,
      maxDelayMs: 30_000,
      jitter: 0.2,
      minUptimeMs: 10_000,
      maxRestarts: 5,
      windowMs: 60_000,
      failedRetryMs: 60_000,
    });
  });

  it('with defaults: 5 restarts within a minute, then failed for 60 s', () => {
    const policy = new RestartPolicy(DEFAULT_RESTART, () => 0);
    expect(delays(policy, 5, 0, 1_000)).toEqual([200, 400, 800, 1_600, 3_200]);
    expect(policy.onExit(crash(5_000))).toMatchObject({ kind: 'fail', retryInMs: 60_000 });
  });
});
