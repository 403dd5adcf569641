/**
 * One timer per period for the liveness ticks of every plugin that shares it: at rest the
 * supervisor wakes once per `pingIntervalMs` and sends every plugin's ping in that one
 * wake-up, instead of waking once per plugin (half its idle CPU with the four built-ins).
 * A plugin that joins gets its first tick within one period, never later.
 */
export class PingClock {
  private readonly clocks = new Map<number, { timer: NodeJS.Timeout; ticks: Set<() => void> }>();

  /** Calls `tick` every `periodMs` until the returned function is called. */
  every(periodMs: number, tick: () => void): () => void {
    let clock = this.clocks.get(periodMs);
    if (!clock) {
      const ticks = new Set<() => void>();
      // a copy: a tick may stop its own liveness (a hung plugin) or another's
      const timer = setInterval(() => [...ticks].forEach((t) => t()), periodMs);
      timer.unref();
      clock = { timer, ticks };
      this.clocks.set(periodMs, clock);
    }
    const { ticks, timer } = clock;
    ticks.add(tick);
    return () => {
      if (!ticks.delete(tick) || ticks.size > 0) return;
      clearInterval(timer);
      if (this.clocks.get(periodMs)?.ticks === ticks) this.clocks.delete(periodMs);
    };
  }

  /** How many periods have a timer now (each plugin's stop removes its tick). */
  get timers(): number {
    return this.clocks.size;
  }
}
