import type { PluginProcess } from '../process/plugin-process.js';

/**
 * A plugin's generations: the one that serves (`current`) and old ones that finish
 * the actions they already had, then stop (`draining`). Numbers only go up.
 */
export class Generations {
  current: PluginProcess | undefined;
  private readonly draining = new Set<PluginProcess>();
  private counter: number;

  constructor(first = 0) {
    this.counter = first;
  }

  /** The number of the next generation. */
  next(): number {
    return ++this.counter;
  }

  /** The highest generation number handed out. */
  get latest(): number {
    return this.counter;
  }

  /** `proc` serves from now on; the one it replaces (if any) drains, and is returned. */
  promote(proc: PluginProcess): PluginProcess | undefined {
    const old = this.current;
    this.current = proc;
    if (old && old !== proc) {
      this.draining.add(old);
      return old;
    }
    return undefined;
  }

  /** Nothing serves any more (it crashed, or a restart took it down); returns what served. */
  dropCurrent(): PluginProcess | undefined {
    const old = this.current;
    this.current = undefined;
    return old;
  }

  isDraining(proc: PluginProcess): boolean {
    return this.draining.has(proc);
  }

  /** `proc` exited; whether it was the one serving. */
  forget(proc: PluginProcess): boolean {
    this.draining.delete(proc);
    if (proc !== this.current) return false;
    this.current = undefined;
    return true;
  }

  /** Every live generation: draining ones and the current one. */
  all(): PluginProcess[] {
    return [...this.draining, ...(this.current ? [this.current] : [])];
  }
}
