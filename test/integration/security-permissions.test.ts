/**
 * Issue 11 item 4: a Node plugin under Node's permission model (`permissions` in its
 * entry). It loads (its own file and dependencies are granted automatically), reads
 * what it was granted, and a denied read, write or spawn comes back as a PLUGIN_ERROR
 * naming the denied access, while the plugin keeps serving (same pid).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseConfig, Supervisor } from '@plugd/supervisor';
import { FIXTURES, REPO, tempDir } from '../helpers/plugd-process.js';

describe('a Node plugin under the permission model', () => {
  const tmp = tempDir();
  const granted = join(tmp.dir, 'granted.txt');
  const outside = join(tmp.dir, 'outside.txt');
  const stderr: string[] = [];
  let supervisor: Supervisor;
  const run = (action: string, args: Record<string, unknown>) => supervisor.execute({ action, args });

  beforeAll(async () => {
    writeFileSync(granted, 'granted content');
    writeFileSync(outside, 'outside content');
    const config = parseConfig(
      {
        plugins: [
          {
            name: 'probe',
            command: ['node', join(FIXTURES, 'fs-probe.mjs')],
            permissions: { fsRead: [granted], fsWrite: [join(tmp.dir, 'out')] },
            restart: { maxRestarts: 0 },
          },
        ],
      },
      { source: 'test', baseDir: REPO },
    );
    supervisor = new Supervisor(config);
    supervisor.on('stderr', (e) => stderr.push(e.line));
    await supervisor.start();
  });

  afterAll(async () => {
    await supervisor.stop();
    tmp.remove();
  });

  it('starts with its own file and dependencies granted, and reads what fsRead grants', async () => {
    expect(supervisor.plugin('probe')).toMatchObject({ state: 'ready' });
    expect(await run('read_file', { path: granted })).toMatchObject({ observation: 'read_file', content: 'granted content' });
  });

  it('answers a read outside its grant with PLUGIN_ERROR naming the denied access, and keeps serving', async () => {
    const pid = supervisor.plugin('probe')!.pid;
    const denied = await run('read_file', { path: outside });
    expect(denied.observation).toBe('error');
    expect(denied.extras).toEqual({ error_id: 'PLUGIN_ERROR' });
    expect(denied.content).toContain(`denied reading ${outside} (FileSystemRead not granted)`);
    expect(denied.content).toContain('permissions.fsRead');
    expect(denied.content).not.toContain('outside content');
    expect(await run('read_file', { path: granted })).toMatchObject({ content: 'granted content' });
    expect(supervisor.plugin('probe')).toMatchObject({ state: 'ready', pid, restarts: 0 });
  });

  it('denies a write outside fsWrite and a child process without childProcess; nothing is written', async () => {
    const target = join(tmp.dir, 'elsewhere.txt');
    const write = await run('write_file', { path: target, content: 'x' });
    expect(write.content).toContain(`denied writing ${target} (FileSystemWrite not granted)`);
    expect(existsSync(target)).toBe(false);
    expect(await run('write_file', { path: join(tmp.dir, 'out'), content: 'ok' })).toMatchObject({ content: 'written' });
    const spawn = await run('spawn_true', {});
    expect(spawn.content).toMatch(/denied starting a child process.*permissions\.childProcess/);
  });

  it("keeps Node 20's ExperimentalWarning out of the plugin's stderr", () => {
    expect(stderr.filter((line) => /ExperimentalWarning/.test(line))).toEqual([]);
  });
});
