/**
 * `plugd new`: refusals write nothing; each scaffold's own install and test pass as an
 * author runs them, with no edits (TypeScript: npm install from the packed SDK, npm test).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runPlugd, tempDir } from '../../test/helpers/plugd-process.js';

const tmp = tempDir('plugd-new-');
afterAll(() => tmp.remove());

interface Done {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs a command to its end; never rejects (the exit code is in the answer). */
async function run(file: string, args: string[], cwd: string, timeout: number): Promise<Done> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

describe('plugd new refuses bad input in one line, exit 2, writing nothing', () => {
  it.each([
    [['new', 'Bad_Name'], /plugin name "Bad_Name" is not usable; use lowercase letters/],
    [['new', '../escape'], /plugin name "\.\.\/escape" is not usable/],
    [['new', 'shell'], /"shell" is the name of a built-in plugin/],
    [['new', 'ok-name', '--lang', 'rust'], /--lang must be one of ts, python, got "rust"/],
    [['new'], /new takes one plugin name/],
    [['new', 'ok-name', '--lang', 'python', '--sdk', 'registry'], /--sdk is for --lang ts/],
  ])('plugd %j', async (args, message) => {
    const cwd = join(tmp.dir, `refuse-${readdirSync(tmp.dir).length}`);
    mkdirSync(cwd);
    const done = await runPlugd(args, { cwd });
    expect(done.code).toBe(2);
    expect(done.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(done.stderr).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('an existing non-empty --dir is refused and left as it was', async () => {
    const dir = tmp.path('taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mine.txt'), 'keep me');
    const done = await runPlugd(['new', 'my-tool', '--dir', dir]);
    expect(done.code).toBe(2);
    expect(done.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(done.stderr).toMatch(/taken already exists and is not empty; choose another --dir or remove it/);
    expect(readdirSync(dir)).toEqual(['mine.txt']);
    expect(readFileSync(join(dir, 'mine.txt'), 'utf8')).toBe('keep me');
  });
});

describe('a new project passes its own test with no edits', () => {
  it('Python: plugd new --lang python, then python3 -m unittest', async () => {
    const dir = tmp.path('py-tool');
    const made = await runPlugd(['new', 'py-tool', '--lang', 'python', '--dir', dir]);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('python3 -m unittest');
    expect(readdirSync(dir).sort()).toEqual(['.gitignore', 'README.md', 'plugd.json', 'plugd_sdk.py', 'plugin.py', 'tests']);
    const tested = await run('python3', ['-m', 'unittest', '-v'], dir, 120_000);
    expect(tested.stderr).toMatch(/Ran 5 tests/);
    expect(tested.stderr).toMatch(/test_count_runs_under_plugd .*ok/);
    expect(tested.stderr).toMatch(/\nOK\n?$/);
  }, 150_000);

  it('TypeScript: plugd new, then npm install (SDK from the packed tarball) and npm test', async () => {
    const dir = tmp.path('ts-tool');
    const made = await runPlugd(['new', 'ts-tool', '--dir', dir], { timeoutMs: 120_000 });
    expect(made.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('plugd-plugin-ts-tool');
    expect(manifest.dependencies['@plugd/sdk']).toBe('file:vendor/plugd-sdk-0.1.0.tgz');
    expect(existsSync(join(dir, 'vendor', 'plugd-sdk-0.1.0.tgz'))).toBe(true);

    const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir, 300_000);
    expect(installed.stderr).not.toMatch(/ERR!/);
    expect(installed.code).toBe(0);
    const tested = await run('npm', ['test'], dir, 300_000);
    expect(tested.stdout).toMatch(/# pass 3/);
    expect(tested.stdout).toMatch(/# fail 0/);
    expect(tested.code).toBe(0);
  }, 600_000);
});
