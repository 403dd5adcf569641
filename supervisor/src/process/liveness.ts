import type { PingClock } from './ping-clock.js';

/**
 * `$/ping` every `intervalMs`; `misses` ticks in a row with a ping outstanding and no
 * message at all from the plugin (a progress notification counts) means it is hung.
 */
export class Liveness {
  private stopTicks: (() => void) | undefined;
  private outstanding = false;
  private activity = false;
  private missed = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly misses: number,
    private readonly ping: () => Promise<unknown>,
    private readonly onHung: (detail: string) => void,
    /** Shared with the other plugins of a supervisor (ping-clock.ts); else a timer of its own. */
    private readonly clock?: PingClock,
  ) {}

  /** Any message from the plugin: proof of life. */
  sawActivity(): void {
    this.activity = true;
  }

  start(): void {
    this.stop();
    if (this.clock) {
      this.stopTicks = this.clock.every(this.intervalMs, () => this.check());
      return;
    }
    const timer = setInterval(() => this.check(), this.intervalMs);
    timer.unref();
    this.stopTicks = () => clearInterval(timer);
  }

  stop(): void {
    this.stopTicks?.();
    this.stopTicks = undefined;
  }

  /** One interval's check (the timer calls it; public so it can be driven directly). */
  check(): void {
    if (this.activity) this.missed = 0;
    else if (this.outstanding) this.missed += 1;
    this.activity = false;
    if (this.missed >= this.misses) {
      this.stop();
      this.onHung(`answered none of ${this.missed} pings in a row (every ${this.intervalMs} ms)`);
      return;
    }
    if (this.outstanding) return;
    this.outstanding = true;
    const done = (): void => {
      this.outstanding = false;
    };
    this.ping().then(done, done);
  }
}
