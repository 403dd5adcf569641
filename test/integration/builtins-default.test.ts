import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor, embeddedDefaultConfig, parseConfig } from '@plugd/supervisor';

let supervisor: Supervisor | undefined;
let dir: string | undefined;

afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the embedded default', () => {
  it('serves shell, files, python and echo with no config file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'plugd-default-'));
    supervisor = new Supervisor(embeddedDefaultConfig(dir));
    await supervisor.start();
    expect(supervisor.plugins().map((p) => [p.name, p.state])).toEqual([
      ['shell', 'ready'],
      ['files', 'ready'],
      ['python', 'ready'],
      ['echo', 'ready'],
    ]);
    expect(supervisor.routes()).toEqual({ echo: 'echo', edit: 'files', read: 'files', run: 'shell', run_ipython: 'python', write: 'files' });

    const run = await supervisor.execute({ action: 'run', args: { command: `cd ${dir} && echo hello > a.txt && cat a.txt` } });
    expect(run).toMatchObject({ observation: 'run', success: true, extras: { metadata: { exit_code: 0 } } });
    expect(run.content).toContain('hello');
    const read = await supervisor.execute({ action: 'read', args: { path: join(dir, 'a.txt') } });
    expect(read).toMatchObject({ observation: 'read', extras: { path: join(dir, 'a.txt') } });
    expect(read.content).toContain('hello');
    const cell = await supervisor.execute({ action: 'run_ipython', args: { code: 'x = 20\nx + 22' } });
    expect(cell.observation).toBe('run_ipython');
    expect(cell.content).toContain('42');
    expect(await supervisor.execute({ action: 'echo', args: { text: 'hi' } })).toEqual({ observation: 'echo', content: 'hi', extras: {} });
  });

  it('answers PLUGIN_UNAVAILABLE naming the cause for a built-in that failed to start, while the others serve', async () => {
    supervisor = new Supervisor(
      parseConfig(
        { plugins: [{ name: 'python', env: { PLUGD_PYTHON: '/nonexistent/python3' }, restart: { maxRestarts: 0 } }, { name: 'echo' }] },
        { source: 'test', baseDir: process.cwd() },
      ),
    );
    await supervisor.start();
    const cell = await supervisor.execute({ action: 'run_ipython', args: { code: '1' } });
    expect(cell.extras).toEqual({ error_id: 'PLUGIN_UNAVAILABLE' });
    expect(cell.content).toMatch(/PLUGD_PYTHON/);
    expect(cell.content).toMatch(/tried again at/);
    expect(supervisor.plugin('python')!.state).toBe('failed');
    expect(await supervisor.execute({ action: 'echo', args: { text: 'still serving' } })).toMatchObject({ content: 'still serving' });
  });
});
