/**
 * PluginWatcher's speculative start over real files and chokidar (no processes): what
 * it asks for and in which order, for the saves an editor or a build makes.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLogger } from '../src/log/logger.js';
import { PluginWatcher } from '../src/watch/plugin-watcher.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A watcher over a fresh folder with index.js and lib.js; `steps` records speculate/confirm/invalidate/change in order. */
async function watched(debounceMs = 300) {
  const dir = mkdtempSync(join(tmpdir(), 'plugd-watch-spec-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const index = join(dir, 'index.js');
  const lib = join(dir, 'lib.js');
  await writeFile(index, 'export const v = 1;\n');
  await writeFile(lib, 'export const l = 1;\n');
  const steps: string[] = [];
  const waiters: { step: string; resolve: () => void }[] = [];
  const record = (step: string): void => {
    steps.push(step);
    for (const w of waiters.filter((w) => step.startsWith(w.step))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const watcher = new PluginWatcher({
    plugin: 'p',
    paths: [dir],
    debounceMs,
    // A burst that settles on no change says so at debug: the "no-op" step.
    logger: jsonLogger((line) => {
      if ((JSON.parse(line) as { msg: string }).msg.startsWith('files saved without a content change')) record('no-op');
    }, 'debug'),
    onChange: (files) => record(`change ${files.map((f) => f.slice(dir.length + 1)).join(',')}`),
    speculate: (files) => {
      record(`speculate ${files.map((f) => f.slice(dir.length + 1)).join(',')}`);
      return { confirm: () => (record('confirm'), true), invalidate: () => record('invalidate') };
    },
  });
  cleanups.push(() => watcher.close());
  await watcher.start();
  /** Resolves at the next step starting with `step` (generous deadline; a step that never comes fails the test). */
  const next = (step: string, ms = 20_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${step}" step within ${ms} ms; steps: ${steps.join(' | ')}`)), ms);
      waiters.push({ step, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { dir, index, lib, steps, watcher, next };
}

describe('PluginWatcher speculative start', () => {
  it('one save (writeFile): the start is asked for at its event, confirmed when the burst settles, then the change is reported', async () => {
    const { index, steps, next } = await watched();
    const changed = next('change');
    await writeFile(index, 'export const v = 2;\n');
    await changed;
    expect(steps).toEqual(['speculate index.js', 'confirm', 'change index.js']);
  });

  it('a save of the same bytes asks for nothing; the next real change does', async () => {
    const { index, lib, steps, next } = await watched(100);
    const settled = next('no-op');
    await writeFile(index, 'export const v = 1;\n');
    await settled;
    expect(steps).toEqual(['no-op']);
    const changed = next('change');
    await writeFile(lib, 'export const l = 2;\n');
    await changed;
    expect(steps).toEqual(['no-op', 'speculate lib.js', 'confirm', 'change lib.js']);
  });

  it('truncate, then write: the start made on the empty file is invalidated and the burst reloads once, after it settles', async () => {
    const { index, steps, next } = await watched();
    const speculated = next('speculate');
    const changed = next('change');
    await truncate(index, 0);
    await speculated; // started on the empty file
    await writeFile(index, 'export const v = 3;\n');
    await changed;
    expect(steps).toEqual(['speculate index.js', 'invalidate', 'change index.js']);
  });

  it('a build writing several files: one start at most, one change with every file', async () => {
    const { index, lib, steps, next } = await watched();
    const speculated = next('speculate');
    const changed = next('change');
    await writeFile(lib, 'export const l = 4;\n');
    await speculated;
    await writeFile(index, 'export const v = 4;\n');
    await changed;
    expect(steps).toEqual(['speculate lib.js', 'invalidate', 'change index.js,lib.js']);
  });

  it('close() during the debounce invalidates the start, and nothing is reported', async () => {
    const { index, steps, watcher, next } = await watched(60_000);
    const speculated = next('speculate');
    await writeFile(index, 'export const v = 5;\n');
    await speculated;
    await watcher.close();
    expect(steps).toEqual(['speculate index.js', 'invalidate']);
  });
});
