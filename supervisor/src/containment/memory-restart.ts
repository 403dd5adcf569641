import type { ResourceUsage } from './guard.js';
import { MemoryWatch } from './memory-watch.js';

const MiB = 1024 * 1024;

/**
 * Samples the serving generation's memory every `intervalMs` and restarts it (through
 * `restart`, with the reason) once it stayed above `limitMiB` for a few samples in a row.
 */
export class MemoryRestart {
  private timer: NodeJS.Timeout | undefined;
  private readonly watch: MemoryWatch;

  constructor(
    limitMiB: number,
    private readonly intervalMs: number,
    private readonly sample: () => ResourceUsage | undefined,
    private readonly restart: (detail: string) => void,
  ) {
    this.watch = new MemoryWatch(limitMiB);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watch.reset();
  }

  private tick(): void {
    const usage = this.sample();
    if (!this.watch.observe(usage?.memoryBytes)) return;
    this.watch.reset();
    const mib = Math.round((usage?.memoryBytes ?? 0) / MiB);
    this.restart(`memory ${mib} MiB stayed above limits.memoryRestartMiB (${this.watch.limitMiB} MiB)`);
  }
}
