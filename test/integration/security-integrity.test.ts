/**
 * Issue 11 item 5: a plugin entry pins the sha256 of its file. A mismatch means the
 * plugin is never spawned and is `failed` with the expected and actual digests; a hot
 * reload that changes a pinned file is refused the same way while the old generation
 * keeps serving; a restart after that is refused too.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseConfig, Supervisor } from '@plugd/supervisor';
import { ECHO_ENTRY, REPO, tempDir } from '../helpers/plugd-process.js';
import { nextEvent } from '../helpers/supervisor-events.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const BUNDLE = ECHO_ENTRY.replace(/index\.js$/, 'plugin.mjs');

describe('sha256 pins', () => {
  const tmp = tempDir();
  let supervisor: Supervisor;
  const pinned = join(tmp.dir, 'pinned', 'plugin.mjs');
  const wrong = join(tmp.dir, 'wrong', 'plugin.mjs');
  let digest: string;
  const spawned: string[] = [];
  const echo = (text: string) => supervisor.execute({ action: 'echo', args: { text } });

  beforeAll(async () => {
    for (const file of [pinned, wrong]) {
      mkdirSync(join(file, '..'));
      copyFileSync(BUNDLE, file);
    }
    digest = sha256(pinned);
    const config = parseConfig(
      {
        watchDebounceMs: 50,
        plugins: [
          { name: 'pinned', command: ['node', pinned], sha256: digest, watch: true },
          { name: 'wrong', command: ['node', wrong], sha256: { [wrong]: '0'.repeat(64) } },
        ],
      },
      { source: 'test', baseDir: REPO },
    );
    supervisor = new Supervisor(config);
    supervisor.on('spawn', (e) => spawned.push(e.plugin));
    await supervisor.start();
  });

  afterAll(async () => {
    await supervisor.stop();
    tmp.remove();
  });

  it('starts a plugin whose file matches its pin', async () => {
    expect(supervisor.plugin('pinned')).toMatchObject({ state: 'ready', generation: 1 });
    expect(await echo('a')).toMatchObject({ content: 'a' });
  });

  it('never spawns a plugin whose file does not match: failed at once, with the expected and actual digests', () => {
    const status = supervisor.plugin('wrong')!;
    expect(status.state).toBe('failed');
    expect(status.restarts).toBe(0);
    expect(status.lastError).toContain(`sha256 of ${wrong} is ${sha256(wrong)}, the pin expects ${'0'.repeat(64)}`);
    expect(spawned).not.toContain('wrong');
  });

  it('refuses a hot reload that changes the pinned file; the old generation keeps serving', async () => {
    const pid = supervisor.plugin('pinned')!.pid;
    const refused = nextEvent(supervisor, 'reload_failed', (e) => e.plugin === 'pinned');
    // An atomic save, as editors do: the watcher sees one complete change.
    writeFileSync(`${pinned}.tmp`, `${readFileSync(pinned, 'utf8')}\n// tampered\n`);
    renameSync(`${pinned}.tmp`, pinned);
    const event = await refused;
    expect(event.error).toContain(`sha256 of ${pinned} is ${sha256(pinned)}, the pin expects ${digest}`);
    expect(supervisor.plugin('pinned')).toMatchObject({ state: 'ready', generation: 1, pid });
    expect(supervisor.plugin('pinned')!.lastReloadError).toContain('integrity check failed');
    expect(await echo('still here')).toMatchObject({ content: 'still here' });
    expect(spawned.filter((p) => p === 'pinned')).toHaveLength(1);
  });

  it('refuses a restart of the changed file too: failed at once, the old generation stopped', async () => {
    await supervisor.restart('pinned');
    const status = supervisor.plugin('pinned')!;
    expect(status.state).toBe('failed');
    expect(status.lastError).toContain('integrity check failed');
    expect(spawned.filter((p) => p === 'pinned')).toHaveLength(1);
  });
});
