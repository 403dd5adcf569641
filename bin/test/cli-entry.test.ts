/** Which file bin/plugd runs: the CLI bundle when it is fresh, tsc's output otherwise. */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from '@jest/globals';
import { cliEntry } from '../cli-entry.mjs';
import { runPlugd, tempDir } from '../../test/helpers/plugd-process.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = tempDir('plugd-cli-entry-');
afterAll(() => tmp.remove());

/** A checkout's bin/, supervisor/ and protocol/ outputs, each file `seconds` old as given. */
function layout(name: string, files: Record<string, number>): string {
  const root = join(tmp.dir, name);
  const now = Date.now() / 1000;
  for (const [path, age] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), now - age, now - age);
  }
  return join(root, 'bin');
}

it('runs the bundle that `pnpm build` wrote, and the bundled CLI finds the built-ins and serves an action', async () => {
  expect(cliEntry(BIN)).toBe(join(BIN, 'dist', 'bundle', 'main.mjs'));
  const ran = await runPlugd(['exec', '{"action":"echo","args":{"text":"from the bundle"}}']);
  expect(ran.code).toBe(0);
  expect(JSON.parse(ran.stdout)).toMatchObject({ observation: 'echo' });
}, 60_000);

it('runs tsc output when the supervisor was compiled after the bundle (a bare tsc -b), so a stale bundle never runs', () => {
  const bin = layout('stale', { 'bin/dist/main.js': 60, 'bin/dist/.tsbuildinfo': 60, 'bin/dist/bundle/main.mjs': 50, 'supervisor/dist/.tsbuildinfo': 10, 'protocol/dist/.tsbuildinfo': 60 });
  expect(cliEntry(bin)).toBe(join(bin, 'dist', 'main.js'));
});

it('runs the bundle when it is newer than every compiled package, and tsc output when there is no bundle', () => {
  const fresh = layout('fresh', { 'bin/dist/main.js': 60, 'bin/dist/.tsbuildinfo': 60, 'bin/dist/bundle/main.mjs': 10, 'supervisor/dist/.tsbuildinfo': 60, 'protocol/dist/.tsbuildinfo': 60 });
  expect(cliEntry(fresh)).toBe(join(fresh, 'dist', 'bundle', 'main.mjs'));
  const none = layout('none', { 'bin/dist/main.js': 60, 'bin/dist/.tsbuildinfo': 60 });
  expect(cliEntry(none)).toBe(join(none, 'dist', 'main.js'));
});
