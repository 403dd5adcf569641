/**
 * `plugd dev`: one plugin with hot reload, frames pretty-printed on stdout and the HTTP
 * API; an edit saved is served by the next action.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { PLUGD, REPO, http, pidAlive, runPlugd, tempDir } from '../../test/helpers/plugd-process.js';

const tmp = tempDir('plugd-dev-');
const running = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all(
    [...running].map((child) => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      return closed;
    }),
  );
});
afterAll(() => tmp.remove());

interface Dev {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Resolves when stdout matches (already or later); rejects after `ms` or on exit. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

async function startDev(path: string): Promise<Dev> {
  const child = spawn(process.execPath, [PLUGD, 'dev', path, '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('close', () => running.delete(child));
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const waitFor = (pattern: RegExp, ms = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (!match) return;
        stop();
        resolve(match);
      };
      const onClose = () => {
        stop();
        reject(new Error(`plugd dev exited before printing ${pattern}:\n${out}`));
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`plugd dev did not print ${pattern} within ${ms} ms:\n${out}`));
      }, ms);
      const stop = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('close', onClose);
      };
      child.stdout!.on('data', check);
      child.once('close', onClose);
      check();
    });
  const [, url] = await waitFor(/plugd dev listening on (http:\/\/\S+)/);
  return { child, url: url!, output: () => out, waitFor };
}

/** An editor's save: write a temp file, rename it over the original. */
function save(file: string, edit: (text: string) => string): void {
  writeFileSync(`${file}.tmp`, edit(readFileSync(file, 'utf8')));
  renameSync(`${file}.tmp`, file);
}

const count = async (url: string) => (await http(url, '/execute_action', { body: { action: { action: 'count', args: { to: 3, delay_ms: 1 } } } })).body;

describe('plugd dev', () => {
  it('runs a plugd new project, prints its frames, and serves an edit after it is saved', async () => {
    const dir = tmp.path('py-dev');
    expect((await runPlugd(['new', 'py-dev', '--lang', 'python', '--dir', dir])).code).toBe(0);
    const dev = await startDev(dir);
    await dev.waitFor(/py-dev 0\.1\.0 ready \(generation 1, pid (\d+)\)/);

    expect(await count(dev.url)).toEqual({ observation: 'count', content: '1 2 3', extras: { counted: 3 } });
    await dev.waitFor(/py-dev\s+← run #\d+ \S+ \(\d+ B\) \{"observation":"count","content":"1 2 3"/);
    expect(dev.output()).toMatch(/py-dev\s+→ run #\d+ \(\d+ B\) \{"action":\{"action":"count","args":\{"to":3,"delay_ms":1\}\}/);
    expect(dev.output()).toMatch(/py-dev\s+← plugd\/progress \(\d+ B\) \{"id":\d+,"content":"1\\n"\}/);

    save(join(dir, 'plugin.py'), (text) => text.replace('" ".join', '",".join').replace('"0.1.0"', '"0.2.0"'));
    const [, secondPid] = await dev.waitFor(/py-dev 0\.2\.0 ready \(generation 2, pid (\d+)\)/);
    await dev.waitFor(/plugin py-dev reloaded: generation 2 serves/);
    expect(await count(dev.url)).toMatchObject({ content: '1,2,3' });

    dev.child.kill('SIGTERM');
    const code = await new Promise((resolve) => dev.child.once('close', resolve));
    expect(code).toBe(0);
    expect(pidAlive(Number(secondPid))).toBe(false); // stopped with plugd dev
  }, 120_000);

  it('rebuilds a project with a build script when its sources change, then reloads on the build output', async () => {
    const dir = tmp.path('built');
    mkdirSync(join(dir, 'src'), { recursive: true });
    expect((await runPlugd(['new', 'built', '--lang', 'python', '--dir', tmp.path('template')])).code).toBe(0);
    copyFileSync(tmp.path('template/plugin.py'), join(dir, 'src', 'plugin.py'));
    copyFileSync(tmp.path('template/plugd_sdk.py'), join(dir, 'src', 'plugd_sdk.py'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'built', private: true, scripts: { build: 'mkdir -p dist && cp src/*.py dist/' } }));
    writeFileSync(join(dir, 'plugd.json'), JSON.stringify({ plugins: [{ name: 'built', command: ['python3', './dist/plugin.py'], watch: ['./dist'] }] }));

    const dev = await startDev(dir); // the first build writes dist/ before the plugin starts
    await dev.waitFor(/built 0\.1\.0 ready \(generation 1/);
    expect(await count(dev.url)).toMatchObject({ content: '1 2 3' });

    save(join(dir, 'src', 'plugin.py'), (text) => text.replace('" ".join', '"+".join'));
    await dev.waitFor(/build done[\s\S]*build done/);
    await dev.waitFor(/plugin built reloaded: generation 2 serves/);
    expect(await count(dev.url)).toMatchObject({ content: '1+2+3' });
  }, 120_000);

  it('refuses a folder that is not a plugin project in one line, exit 2', async () => {
    const empty = tmp.path('empty');
    mkdirSync(empty);
    const done = await runPlugd(['dev', empty]);
    expect(done.code).toBe(2);
    expect(done.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(done.stderr).toMatch(/has no plugd\.json and no package\.json with a "plugd" field/);
  });
});
