import type { PluginProcess } from '../process/plugin-process.js';

/** The generation start under way, if any, so a stop can cut it short and a reload can wait for it. */
export class StartAttempt {
  private run: Promise<boolean> | undefined;
  private proc: PluginProcess | undefined;

  /** Starting or restarting right now (start and stop never overlap). */
  get current(): Promise<boolean> | undefined {
    return this.run;
  }

  /** `start` is the attempt now; it is forgotten when it settles (unless another took its place). */
  track(start: Promise<boolean>): Promise<boolean> {
    const run = start.finally(() => {
      if (this.run === run) {
        this.run = undefined;
        this.proc = undefined;
      }
    });
    this.run = run;
    return run;
  }

  /** The generation being started right now. */
  launching(proc: PluginProcess): void {
    this.proc = proc;
  }

  /** A start in progress is killed, not waited for (a slow initialize could take initMs). */
  cutShort(): void {
    void this.proc?.stop();
  }
}
