/**
 * The generations of one plugd that are starting now. The Node gate is for a start on
 * its own: its grace period then overlaps Node's boot. Plugins that start together take
 * the sh wrapper: their moves share grace periods anyway, and moving many booting,
 * already multi-threaded Node processes was measured slower (100 plugins ready in
 * 4.6-5.1 s against 2.8 s through the wrapper: docs/containment.md).
 */
export class StartingGenerations {
  private count = 0;

  /** Counts a start; true when no other is under way. */
  begin(): boolean {
    return this.count++ === 0;
  }

  end(): void {
    this.count = Math.max(0, this.count - 1);
  }
}
