import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginClient, eventually } from '../../../test/helpers/plugin-client.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';
import { sweepStaleFiles } from '../src/stale-files.js';

const tmp = tempDirs('plugd-sweep-');

/** The pid of a process that ran and is gone (a real one, reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('stale shell files', () => {
  it('removes the folders and notes of processes that are gone, and nothing else', () => {
    const dir = tmp();
    const dead = deadPid();
    const live = process.pid;
    mkdirSync(join(dir, `plugd-shell-${dead}-aB3xYz`));
    writeFileSync(join(dir, `plugd-shell-${dead}-aB3xYz`, 'cmd-1'), 'ls');
    writeFileSync(join(dir, `plugd-shell-${dead}-shell.json`), '{}');
    mkdirSync(join(dir, `plugd-shell-${live}-Qw12er`));
    writeFileSync(join(dir, `plugd-shell-${live}-shell.json`), '{}');
    for (const other of ['plugd-shell-test-123456', 'plugd-shell-abc', 'plugd-shell-', 'elsewhere']) writeFileSync(join(dir, other), '');
    expect(sweepStaleFiles(dir).sort()).toEqual([`plugd-shell-${dead}-aB3xYz`, `plugd-shell-${dead}-shell.json`]);
    expect(readdirSync(dir).sort()).toEqual([`plugd-shell-${live}-Qw12er`, `plugd-shell-${live}-shell.json`, 'elsewhere', 'plugd-shell-', 'plugd-shell-abc', 'plugd-shell-test-123456'].sort());
    expect(sweepStaleFiles(join(dir, 'no-such-folder'))).toEqual([]);
  });

  it('a shell plugin killed outright leaves its command folder, and the next one removes it', async () => {
    const dir = tmp();
    const env = { TMPDIR: dir };
    const first = await PluginClient.start('shell', { env, config: { cwd: dir } });
    const mine = (pid: number) => readdirSync(dir).filter((n) => n.startsWith(`plugd-shell-${pid}-`));
    let second: PluginClient | undefined;
    try {
      await first.run({ action: 'run', args: { command: 'echo hi' } });
      expect(mine(first.pid)).toHaveLength(1);
      process.kill(-first.pid, 'SIGKILL');
      // Gone once reaped (a zombie still answers signal 0).
      await eventually(() => {
        try {
          process.kill(first.pid, 0);
          return false;
        } catch {
          return true;
        }
      });
      expect(mine(first.pid)).toHaveLength(1); // no cleanup ran
      second = await PluginClient.start('shell', { env, config: { cwd: dir } });
      expect(mine(first.pid)).toEqual([]);
      await second.run({ action: 'run', args: { command: 'echo again' } });
      expect(mine(second.pid)).toHaveLength(1);
    } finally {
      await first.close();
      await second?.close();
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('plugd-shell-') && existsSync(join(dir, n)) && !n.endsWith('.json'))).toEqual([]);
  });
});
