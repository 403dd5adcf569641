import type { SpeculativeStart } from '../watch/burst-speculation.js';

/** held: started, the burst not settled; confirmed: settled on its content, waiting for the reload that adopts it. */
type Phase = 'held' | 'confirmed' | 'adopted' | 'dropped';

/**
 * A generation started while its files' burst of events was still settling
 * (docs/hot-reload.md). Until a reload adopts it, it is held: it takes no action, is not
 * promoted, and what it says (spawn, stderr, logs, its exit) is kept back. Adopted, it is
 * an ordinary reload that began earlier, and what was kept back is told in order.
 * Dropped (files changed after it started, a stop, a restart, a crash of the serving
 * generation, a reload asked by hand before the burst settled), it is stopped and
 * nothing of it is told: a start that was never confirmed is not a plugd event.
 */
export class Speculation implements SpeculativeStart {
  private phase: Phase = 'held';
  private kept: (() => void)[] = [];
  private decide!: (adopted: boolean) => void;
  /** Resolves true once a reload adopts it, false when it is dropped. */
  readonly decided = new Promise<boolean>((resolve) => (this.decide = resolve));

  constructor(private readonly onDrop: (why: string) => void) {}

  /** Not decided yet: held or confirmed. */
  get pending(): boolean {
    return this.phase === 'held' || this.phase === 'confirmed';
  }

  /** Confirmed by its burst, not adopted yet. */
  get confirmed(): boolean {
    return this.phase === 'confirmed';
  }

  confirm(): boolean {
    if (this.phase === 'held') this.phase = 'confirmed';
    return this.phase === 'confirmed';
  }

  invalidate(): void {
    this.drop('its files changed after it was started');
  }

  /** A reload takes it: what was kept back is told, and its start goes on as that reload's. */
  adopt(): void {
    if (!this.confirmed) throw new Error(`a speculative start is adopted only once confirmed (it is ${this.phase})`);
    this.phase = 'adopted';
    for (const tell of this.kept.splice(0)) tell();
    this.decide(true);
  }

  /** Not to serve: forgets what was kept back; `onDrop` stops its process. Returns whether it was still pending. */
  drop(why: string): boolean {
    if (!this.pending) return false;
    this.phase = 'dropped';
    this.kept = [];
    this.decide(false);
    this.onDrop(why);
    return true;
  }

  /** Something its generation says: told now once adopted, kept back while pending, never told once dropped. */
  tell(report: () => void): void {
    if (this.phase === 'adopted') report();
    else if (this.pending) this.kept.push(report);
  }
}
