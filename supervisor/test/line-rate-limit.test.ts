import { describe, expect, it } from '@jest/globals';
import { LineRateLimit } from '../src/log/line-rate-limit.js';

describe('LineRateLimit', () => {
  it('passes `limit` lines per window, counts the rest, and reports them once when the next window starts', () => {
    const r = new LineRateLimit(3, 1000);
    const at0 = [0, 10, 20, 30, 40].map((t) => r.admit(t));
    expect(at0.map((d) => d.pass)).toEqual([true, true, true, false, false]);
    expect(at0.some((d) => d.summary)).toBe(false);
    expect(r.pending).toBe(2);
    expect(r.admit(1000)).toEqual({ pass: true, summary: 2 });
    expect(r.pending).toBe(0);
    expect(r.admit(1001)).toEqual({ pass: true });
  });

  it('hands over what is suppressed when the flood stops (no next line to carry the summary)', () => {
    const r = new LineRateLimit(1, 1000);
    r.admit(0);
    r.admit(1);
    r.admit(2);
    expect(r.takeSuppressed()).toBe(2);
    expect(r.takeSuppressed()).toBe(0);
    expect(r.admit(5000)).toEqual({ pass: true });
  });
});
