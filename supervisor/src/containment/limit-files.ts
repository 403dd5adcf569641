/** The hard limits of one plugin, as configured (`limits`). */
export interface HardLimits {
  readonly memoryMiB?: number;
  readonly pids?: number;
  /** Percent of one CPU: 50 is half a core, 200 two cores. */
  readonly cpuPercent?: number;
}

export type LimitController = 'memory' | 'pids' | 'cpu';

export interface LimitFile {
  readonly controller: LimitController;
  readonly file: string;
  readonly value: string;
  /** Written when the file exists (swap accounting may be off); its absence is not an error. */
  readonly optional?: boolean;
}

export const CPU_PERIOD_US = 100_000;
const MiB = 1024 * 1024;

/**
 * Which files to write, in order, for `limits` given the cgroup version of each
 * controller (undefined: the controller is not available). Pure, so it is tested
 * without a cgroup. Limits with no controller come back in `unenforced`.
 */
export function limitFiles(limits: HardLimits, versions: Partial<Record<LimitController, 1 | 2>>): { files: LimitFile[]; unenforced: string[] } {
  const files: LimitFile[] = [];
  const unenforced: string[] = [];
  if (limits.memoryMiB !== undefined) {
    const bytes = String(Math.round(limits.memoryMiB * MiB));
    if (versions.memory === 2) {
      files.push({ controller: 'memory', file: 'memory.max', value: bytes });
      // Swapping past the limit would turn an out-of-memory kill into a slow crawl.
      files.push({ controller: 'memory', file: 'memory.swap.max', value: '0', optional: true });
    } else if (versions.memory === 1) {
      files.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: bytes });
      // memsw (memory + swap) must not be below limit_in_bytes, so it is written after it.
      files.push({ controller: 'memory', file: 'memory.memsw.limit_in_bytes', value: bytes, optional: true });
    } else unenforced.push(`memoryMiB (${limits.memoryMiB})`);
  }
  if (limits.pids !== undefined) {
    if (versions.pids) files.push({ controller: 'pids', file: 'pids.max', value: String(limits.pids) });
    else unenforced.push(`pids (${limits.pids})`);
  }
  if (limits.cpuPercent !== undefined) {
    const quota = String(Math.max(1000, Math.round((limits.cpuPercent / 100) * CPU_PERIOD_US)));
    if (versions.cpu === 2) files.push({ controller: 'cpu', file: 'cpu.max', value: `${quota} ${CPU_PERIOD_US}` });
    else if (versions.cpu === 1) {
      files.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: String(CPU_PERIOD_US) });
      files.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: quota });
    } else unenforced.push(`cpuPercent (${limits.cpuPercent})`);
  }
  return { files, unenforced };
}
