import { createHash } from 'node:crypto';
import { delay } from '../util/delay.js';
import type { ContentHashes } from './content-hash.js';

/** The hash of a file with no bytes. */
const EMPTY = createHash('sha256').digest('hex');
/** How often a changed file that reads empty is read again. */
const EMPTY_RECHECK_MS = 2;

/** A generation started before its burst of file events settled (the plugin's side: plugin/speculation.ts). */
export interface SpeculativeStart {
  /** The burst settled on the content it was started with: it may serve. False: it was dropped meanwhile. */
  confirm(): boolean;
  /** Content changed after it was started, or the watch ended: it is stopped, silently. */
  invalidate(): void;
}

/** Starts the next generation for `files` (those that changed); undefined when a reload cannot start now. */
export type Speculate = (files: readonly string[]) => SpeculativeStart | undefined;

/**
 * One burst's speculative start (docs/hot-reload.md). At the first event whose files
 * really changed, the next generation is started at once, during the debounce instead
 * of after it, and the content it was started on is remembered. When the burst settles
 * it is confirmed only if every file touched in the burst still has that content;
 * anything else invalidates it, and the burst reloads as it would have without it. At
 * most one speculative start per burst.
 *
 * writeFile truncates, then writes, and chokidar reports one change for the two, at the
 * first (it drops a file's further changes for 50 ms): a few saves in a hundred read empty at
 * their event, for 1-6 ms. A changed file that reads empty is read again every 2 ms,
 * for up to `emptyWaitMs`, so the common save is started on its content, not on the
 * truncation (a file that stays empty is started on as it is).
 */
export class BurstSpeculation {
  private tried = false;
  private ended = false;
  private start: SpeculativeStart | undefined;
  /** Each file hashed for the start, as it was then (undefined: absent). */
  private readonly atStart = new Map<string, string | undefined>();

  constructor(
    private readonly hashes: ContentHashes,
    private readonly speculate: Speculate,
    private readonly emptyWaitMs = 0,
  ) {}

  /** The burst may still start one (none tried yet, not settled). */
  get open(): boolean {
    return !this.tried && !this.ended;
  }

  /**
   * Events came in (`touched`: the burst's files so far): tries the burst's one start.
   * A file touched while this hashes is not in `atStart`: settle() compares it with the
   * baseline, so a change to it invalidates the start (never a wrong confirm).
   */
  async onEvents(touched: ReadonlySet<string>): Promise<void> {
    if (this.tried || this.ended) return;
    let now = await this.hashes.peek(touched);
    for (let waited = 0; waited < this.emptyWaitMs && this.readsEmpty(now); waited += EMPTY_RECHECK_MS) {
      await delay(EMPTY_RECHECK_MS);
      if (this.tried || this.ended) return;
      now = await this.hashes.peek(touched);
    }
    if (this.tried || this.ended) return;
    const changed = [...now].filter(([path, hash]) => hash !== this.hashes.get(path)).map(([path]) => path);
    // Same bytes or a touch: nothing to start; a later event of the burst may still change content.
    if (changed.length === 0) return;
    this.tried = true;
    for (const [path, hash] of now) this.atStart.set(path, hash);
    this.start = this.speculate(changed.sort());
  }

  /**
   * The burst settled: `now` is each touched file's hash now (peek), not recorded yet, so
   * the hashes still hold the baseline from before the burst. Confirms the start when no
   * touched file differs from what it was started on (a file not hashed then: from its
   * baseline), else invalidates it. Returns whether it was confirmed.
   */
  settle(now: ReadonlyMap<string, string | undefined>): boolean {
    this.ended = true;
    const start = this.start;
    this.start = undefined;
    if (!start) return false;
    const unchanged = [...now].every(([path, hash]) => (this.atStart.has(path) ? this.atStart.get(path) : this.hashes.get(path)) === hash);
    if (unchanged && start.confirm()) return true;
    start.invalidate();
    return false;
  }

  /** Some file that changed reads empty (being written, most likely). */
  private readsEmpty(now: ReadonlyMap<string, string | undefined>): boolean {
    for (const [path, hash] of now) if (hash === EMPTY && this.hashes.get(path) !== EMPTY) return true;
    return false;
  }

  /** The watch ends: a start not yet settled is invalidated, and none is made any more. */
  cancel(): void {
    this.ended = true;
    this.start?.invalidate();
    this.start = undefined;
  }
}
