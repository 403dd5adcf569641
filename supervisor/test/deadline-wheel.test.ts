/** One timer serves every action deadline of a plugin: each expires once, in time, and settled ones never. */
import { describe, expect, it } from '@jest/globals';
import { DeadlineWheel } from '../src/plugin/deadline-wheel.js';

const item = (name: string, inMs: number) => ({ name, dueAt: performance.now() + inMs });

describe('DeadlineWheel', () => {
  it('expires each pending item once at its deadline, earliest first, and none that was deleted', async () => {
    const expired: string[] = [];
    const at: Record<string, number> = {};
    const wheel = new DeadlineWheel<{ name: string; dueAt: number }>((i) => {
      expired.push(i.name);
      at[i.name] = performance.now() - i.dueAt;
    });
    const late = item('late', 120);
    const early = item('early', 30);
    const settled = item('settled', 10);
    wheel.add(late);
    wheel.add(early);
    wheel.add(settled);
    wheel.delete(settled);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(expired).toEqual(['early', 'late']);
    // Never early (generous upper bound: a loaded machine).
    expect(at['early']).toBeGreaterThanOrEqual(0);
    expect(at['late']).toBeGreaterThanOrEqual(0);
    expect(wheel.size).toBe(0);
    wheel.close();
  });

  it('re-arms for an earlier deadline added after a later one', async () => {
    const expired: string[] = [];
    const wheel = new DeadlineWheel<{ name: string; dueAt: number }>((i) => expired.push(i.name));
    wheel.add(item('far', 60_000));
    wheel.add(item('near', 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(expired).toEqual(['near']);
    expect(wheel.size).toBe(1);
    wheel.close();
  });

  it('does not hold the process open when nothing is pending', async () => {
    const wheel = new DeadlineWheel<{ name: string; dueAt: number }>(() => undefined);
    const one = item('one', 60_000);
    wheel.add(one);
    const timer = (wheel as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(true);
    wheel.delete(one);
    expect(timer.hasRef()).toBe(false);
    wheel.add(item('two', 60_000 + 1));
    expect(timer.hasRef()).toBe(true);
    wheel.close();
  });
});
