/** Unit tests of the hot-reload building blocks: ignore rules, content hashes, debounce, `watch` normalization. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/parse-config.js';
import { ContentHashes } from '../src/watch/content-hash.js';
import { TrailingDebounce } from '../src/watch/debounce.js';
import { ignoreFor, isEditorTempFile } from '../src/watch/ignore.js';

const dir = mkdtempSync(join(tmpdir(), 'plugd-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ignoreFor', () => {
  const root = '/home/u/.config/my-tool';
  const ignored = ignoreFor([root, '/srv/other/file.js']);
  it('never ignores a root, even inside a dot-folder', () => {
    expect(ignored(root)).toBe(false);
    expect(ignored('/srv/other/file.js')).toBe(false);
    expect(ignored(`${root}/dist/index.js`)).toBe(false);
  });
  it.each([
    'node_modules',
    'node_modules/x/index.js',
    'lib/node_modules/y.js',
    '.git',
    '.git/index',
    '__pycache__/m.cpython-311.pyc',
    '.env',
    '.cache/x.js',
    'index.js.swp',
    '.index.js.swp',
    'index.js.swo',
    'index.js~',
    '.#index.js',
    '#index.js#',
    '4913',
    'index.js.tmp',
    'index.js___jb_tmp___',
    'index.js___jb_old___',
    'index.js.crswap',
  ])('ignores %s below a root', (rel) => {
    expect(ignored(`${root}/${rel}`)).toBe(true);
  });
  it('keeps ordinary files', () => {
    for (const rel of ['index.js', 'lib/util.mjs', 'plugin.py', 'data/4913.json', 'a~b.js']) expect(ignored(`${root}/${rel}`)).toBe(false);
    expect(isEditorTempFile('index.js')).toBe(false);
  });
});

describe('ContentHashes', () => {
  it('reports only real content changes: same bytes, touch and a temp file that came and went are none', async () => {
    const a = join(dir, 'a.js');
    const tmp = join(dir, 'a.js.123');
    writeFileSync(a, 'one');
    const hashes = new ContentHashes();
    await hashes.record(a);
    writeFileSync(a, 'one');
    utimesSync(a, new Date(), new Date(Date.now() + 10_000));
    expect(await hashes.update([a])).toEqual([]);
    writeFileSync(tmp, 'two');
    unlinkSync(tmp);
    expect(await hashes.update([a, tmp])).toEqual([]);
    writeFileSync(a, 'two');
    expect(await hashes.update([a])).toEqual([a]);
    expect(await hashes.update([a])).toEqual([]);
    const b = join(dir, 'b.js');
    writeFileSync(b, 'new');
    expect(await hashes.update([b])).toEqual([b]); // created
    unlinkSync(b);
    expect(await hashes.update([b])).toEqual([b]); // deleted
  });
});

describe('TrailingDebounce', () => {
  it('runs once, after the last trigger', async () => {
    let calls = 0;
    const done = new Promise<number>((resolve) => {
      const d = new TrailingDebounce(50, () => {
        calls += 1;
        resolve(Date.now());
      });
      for (let i = 0; i < 10; i++) d.trigger();
    });
    const started = Date.now();
    const at = await done;
    expect(at - started).toBeGreaterThanOrEqual(45);
    expect(calls).toBe(1);
  });
  it('cancel drops the pending call', () => {
    const d = new TrailingDebounce(10, () => {
      throw new Error('must not run');
    });
    d.trigger();
    expect(d.pending).toBe(true);
    d.cancel();
    expect(d.pending).toBe(false);
  });
});

describe('watch in config', () => {
  mkdirSync(join(dir, 'tool', 'dist'), { recursive: true });
  writeFileSync(join(dir, 'tool', 'dist', 'index.js'), '');
  writeFileSync(join(dir, 'my-plugin'), '#!/bin/sh\n', { mode: 0o755 });
  const watchOf = (plugin: Record<string, unknown>) => parseConfig({ plugins: [{ name: 'p', ...plugin }] }, { source: 'test', baseDir: dir }).plugins[0]!.watch;

  it('true is the folder of the entry file, never the interpreter folder', () => {
    expect(watchOf({ command: ['node', './tool/dist/index.js'], watch: true })).toEqual([join(dir, 'tool', 'dist')]);
    expect(watchOf({ command: ['node', '--enable-source-maps', 'tool/dist/index.js'], watch: true })).toEqual([join(dir, 'tool', 'dist')]);
    expect(watchOf({ command: ['./my-plugin'], watch: true })).toEqual([dir]);
    expect(watchOf({ command: ['python3', '-m', 'not_a_file'], watch: true })).toEqual([dir]);
    // A wrapper's program (taskset -> node) is skipped: the plugin's own file is watched.
    expect(watchOf({ command: ['taskset', '-c', '1', process.execPath, './tool/dist/index.js'], watch: true })).toEqual([join(dir, 'tool', 'dist')]);
    expect(watchOf({ command: ['taskset', '-c', '1', process.execPath], watch: true })).toEqual([dir]);
  });
  it('a list resolves against the config folder; false or absent is off', () => {
    expect(watchOf({ command: ['node', './tool/dist/index.js'], watch: ['./tool', '/abs/path'] })).toEqual([join(dir, 'tool'), '/abs/path']);
    expect(watchOf({ command: ['node', './tool/dist/index.js'], watch: false })).toEqual([]);
    expect(watchOf({ command: ['node', './tool/dist/index.js'] })).toEqual([]);
  });
});
