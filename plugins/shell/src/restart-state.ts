import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ownedTempPath } from './stale-files.js';

/**
 * A small file that outlives a crashed shell plugin: the next generation started by the
 * same supervisor (same parent pid) finds it, knows it is a restart, says so in its
 * first observation and starts in the directory the old shell was in. Removed on a
 * clean stop.
 */
export class RestartState {
  private readonly file: string;

  constructor(name: string) {
    this.file = ownedTempPath(process.ppid, `${name.replace(/[^\w.-]/g, '_')}.json`);
  }

  /** What the previous generation left, if any. */
  previous(): { cwd?: string; why: string } | undefined {
    if (!existsSync(this.file)) return undefined;
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { pid?: number; cwd?: string };
      let alive = false;
      try {
        if (data.pid) process.kill(data.pid, 0);
        alive = !!data.pid;
      } catch {
        alive = false;
      }
      return {
        ...(typeof data.cwd === 'string' && existsSync(data.cwd) ? { cwd: data.cwd } : {}),
        why: alive ? 'the shell plugin was reloaded' : 'the shell plugin process ended and plugd started a new one',
      };
    } catch {
      return { why: 'the shell plugin process ended and plugd started a new one' };
    }
  }

  save(cwd: string): void {
    try {
      writeFileSync(this.file, JSON.stringify({ pid: process.pid, cwd }), { mode: 0o600 });
    } catch {
      // best effort: only the restart note depends on it
    }
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
