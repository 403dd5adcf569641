import type { PluginProcess } from '../process/plugin-process.js';

/** The generation start under way, if any, so a stop can cut it short and a reload can wait for it. */
export class StartAttempt {
  private run: Promise<boolean> | undefined;
  private proc: PluginProcess | undefined;
  private reload = false;

  /** Starting or restarting right now (start and stop never overlap). */
  get current(): Promise<boolean> | undefined {
    return this.run;
  }

  /** A blue/green generation is starting beside the serving one: a crash of that one waits for its outcome. */
  get reloading(): boolean {
    return this.run !== undefined && this.reload;
  }

  /** `start` is the attempt now (`reload`: a blue/green one); it is forgotten when it settles (unless another took its place). */
  track(start: Promise<boolean>, reload = false): Promise<boolean> {
    const run = start.finally(() => {
      if (this.run === run) {
        this.run = undefined;
        this.proc = undefined;
      }
    });
    this.run = run;
    this.reload = reload;
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
