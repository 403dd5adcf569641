import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Liveness, PingClock } from '@plugd/supervisor';

const never = (): Promise<unknown> => new Promise(() => undefined);

describe('Liveness', () => {
  it('declares a plugin hung after `misses` checks with its ping unanswered and no message from it', () => {
    let pings = 0;
    let hung: string | undefined;
    const liveness = new Liveness(1000, 3, () => {
      pings += 1;
      return never();
    }, (detail) => (hung = detail));
    liveness.check(); // sends the ping
    liveness.check();
    liveness.check();
    expect(hung).toBeUndefined();
    liveness.check();
    expect(hung).toMatch(/answered none of 3 pings in a row \(every 1000 ms\)/);
    expect(pings).toBe(1); // one ping outstanding at a time
  });

  it('keeps a plugin that sends other messages (progress) alive while its ping is unanswered', () => {
    let hung = false;
    const liveness = new Liveness(1000, 2, never, () => (hung = true));
    for (let i = 0; i < 20; i++) {
      liveness.sawActivity();
      liveness.check();
    }
    expect(hung).toBe(false);
    liveness.check();
    liveness.check();
    expect(hung).toBe(true);
  });

  it('pings again once the previous ping was answered, on its own timer', async () => {
    let pings = 0;
    await new Promise<void>((resolve) => {
      const liveness = new Liveness(5, 2, async () => {
        pings += 1;
        if (pings === 4) {
          liveness.stop();
          resolve();
        }
      }, () => undefined);
      liveness.start();
    });
    expect(pings).toBe(4);
  });
});

describe('PingClock', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('ticks every liveness of one period from one timer, so they ping in the same wake-up', () => {
    jest.useFakeTimers();
    const clock = new PingClock();
    const at: Record<string, number[]> = { a: [], b: [], c: [] };
    const stops = ['a', 'b', 'c'].map((name) => {
      const stop = clock.every(1000, () => at[name]!.push(Date.now()));
      jest.advanceTimersByTime(300); // plugins become ready at different times
      return stop;
    });
    const other = clock.every(500, () => undefined);
    expect(clock.timers).toBe(2);
    jest.advanceTimersByTime(3000);
    expect(at['a']).toHaveLength(3);
    expect(at['b']).toEqual(at['a']);
    expect(at['c']).toEqual(at['a']);
    for (const stop of stops) stop();
    expect(clock.timers).toBe(1); // the 1000 ms timer went with its last liveness
    other();
    expect(clock.timers).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('declares a hung plugin after `misses` unanswered periods on the shared clock, and goes on ticking the others', async () => {
    jest.useFakeTimers();
    const clock = new PingClock();
    let hungAt: number | undefined;
    const start = Date.now();
    const hung = new Liveness(1000, 3, never, () => (hungAt = Date.now() - start), clock);
    let healthyPings = 0;
    const healthy = new Liveness(1000, 3, async () => void (healthyPings += 1), () => {
      throw new Error('the healthy plugin was declared hung');
    }, clock);
    hung.start();
    healthy.start();
    await jest.advanceTimersByTimeAsync(3999);
    expect(hungAt).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(hungAt).toBe(4000); // ping at 1 s, then 3 periods with it outstanding
    await jest.advanceTimersByTimeAsync(5000);
    expect(clock.timers).toBe(1);
    healthy.stop();
    expect(clock.timers).toBe(0);
    expect(healthyPings).toBeGreaterThanOrEqual(8);
  });
});
