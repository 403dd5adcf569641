import type { Logger } from 'pino';
import type { PluginProcess } from '../process/plugin-process.js';
import { Speculation } from './speculation.js';

/** A generation started speculatively, and its start (resolves true once it serves). */
export interface HeldStart {
  readonly speculation: Speculation;
  readonly proc: PluginProcess;
  readonly run: Promise<boolean>;
}

/**
 * A plugin's speculative starts (Speculation): at most one pending at a time; what each
 * of their generations says goes through its Speculation; and the starts still running,
 * so that a stop waits for them (no process outlives its plugin).
 */
export class SpeculativeStarts {
  private held: HeldStart | undefined;
  private readonly byProc = new WeakMap<PluginProcess, Speculation>();
  private readonly running = new Set<Promise<boolean>>();

  constructor(
    private readonly plugin: string,
    private readonly logger: Logger,
  ) {}

  /** A speculative start is pending (started, neither adopted nor dropped). */
  get pending(): boolean {
    return this.held !== undefined;
  }

  /** Holds `proc` (started for `files`) under a new Speculation and runs `start` for it; dropped, the process is stopped. */
  begin(proc: PluginProcess, files: readonly string[], start: (speculation: Speculation) => Promise<boolean>): Speculation {
    const { plugin, logger } = this;
    const generation = proc.generation;
    const speculation = new Speculation((why) => {
      if (this.held?.speculation === speculation) this.held = undefined;
      logger.debug({ plugin, generation, pid: proc.pid }, `plugin ${plugin}: generation ${generation}, started early, stopped: ${why}`);
      void proc.stop();
    });
    this.byProc.set(proc, speculation);
    const run = start(speculation);
    logger.debug({ plugin, generation, pid: proc.pid, files }, `plugin ${plugin}: files changed; generation ${generation} started while their events settle`);
    this.held = { speculation, proc, run };
    this.running.add(run);
    void run.catch(() => false).then(() => this.running.delete(run));
    return speculation;
  }

  /** The pending start if its burst confirmed it (for a reload to adopt); one not confirmed is dropped (`why`). */
  take(why: string): HeldStart | undefined {
    const held = this.held;
    this.held = undefined;
    if (held?.speculation.confirmed) return held;
    held?.speculation.drop(why);
    return undefined;
  }

  /** Waits for `held`'s decision: true once adopted; false once dropped, after its process has stopped. */
  async adopted(held: Speculation, proc: PluginProcess): Promise<boolean> {
    if (await held.decided) return true;
    await proc.stop();
    return false;
  }

  /** Drops the pending start, if any. */
  drop(why: string): void {
    this.held?.speculation.drop(why);
  }

  /** Tells `report` (something `proc` said) now, or through its Speculation when it was started speculatively. */
  relay(proc: PluginProcess, report: () => void): void {
    const speculation = this.byProc.get(proc);
    if (speculation) speculation.tell(report);
    else report();
  }

  /** Every speculative start has ended: its generation serves, or has exited. */
  async settled(): Promise<void> {
    await Promise.all([...this.running].map((run) => run.catch(() => false)));
  }
}
