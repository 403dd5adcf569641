/**
 * At most `limit` lines per `windowMs` of one source; the rest are counted, not
 * passed. A pure object (the clock is given), so a flood is summarised instead of
 * written line by line forever, and it is testable without timers.
 */
export class LineRateLimit {
  private windowStart = -Infinity;
  private passed = 0;
  private suppressed = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /**
   * Whether the line at `now` may be written. `summary` is set when a window with
   * suppressed lines is over: how many were left out, to be reported once, first.
   */
  admit(now: number): { readonly pass: boolean; readonly summary?: number } {
    let summary: number | undefined;
    if (now - this.windowStart >= this.windowMs) {
      summary = this.takeSuppressed();
      this.windowStart = now;
      this.passed = 0;
    }
    const pass = this.passed < this.limit;
    if (pass) this.passed += 1;
    else this.suppressed += 1;
    return summary ? { pass, summary } : { pass };
  }

  /** Lines suppressed since the last summary (and forgets them): for a flush when the flood stops. */
  takeSuppressed(): number {
    const n = this.suppressed;
    this.suppressed = 0;
    return n;
  }

  get pending(): number {
    return this.suppressed;
  }
}
