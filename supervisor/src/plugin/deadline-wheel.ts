/** Something with a deadline on the monotonic clock (performance.now() milliseconds). */
export interface Due {
  readonly dueAt: number;
}

/**
 * One timer for all of a plugin's action deadlines instead of one per action: the timer
 * is armed for the earliest deadline and re-armed when it fires, so an action that
 * settles in time costs a Set insert and delete, not a setTimeout and clearTimeout
 * (and, when it is the only one, the creation and removal of a timer list).
 * Deadlines are on the monotonic clock, like setTimeout's: a wall-clock jump moves none.
 * The timer holds the process open only while something is pending, as the per-action
 * timers did.
 */
export class DeadlineWheel<T extends Due> {
  private readonly items = new Set<T>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly onExpired: (item: T) => void) {}

  get size(): number {
    return this.items.size;
  }

  add(item: T): void {
    this.items.add(item);
    if (item.dueAt < this.armedFor) this.arm(item.dueAt);
    else if (this.items.size === 1) this.timer?.ref();
  }

  delete(item: T): void {
    if (!this.items.delete(item)) return;
    if (this.items.size === 0) this.timer?.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.items.clear();
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(this.fire, Math.max(0, Math.ceil(at - performance.now())));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: T[] = [];
    for (const item of this.items) if (item.dueAt <= now) due.push(item);
    for (const item of due) {
      this.items.delete(item);
      this.onExpired(item);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const item of this.items) if (item.dueAt < next) next = item.dueAt;
    if (next < this.armedFor) this.arm(next);
  };
}
