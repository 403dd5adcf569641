/**
 * Hot reload driven by file changes: real files in a temp folder, real plugin
 * processes, chokidar watching. Synchronization is on Supervisor events only.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Supervisor, parseConfig } from '@plugd/supervisor';
import type { ReadyEvent, ReloadEvent, ReloadFailedEvent } from '@plugd/supervisor';
import { atomicWritePlugin, makeTempDir, nextEvent, recordEvents, removeDir, writePlugin } from '../helpers/hot-plugin.js';
import { ActionLedger, receivedKeys } from '../helpers/ledger.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { initMs?: number; debounceMs?: number; receivedFile?: string } = {}): Promise<{ dir: string; file: string; supervisor: Supervisor }> {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  const file = join(dir, 'plugin.mjs');
  await writePlugin(file, { version: 'v1', ...(options.receivedFile ? { receivedFile: options.receivedFile } : {}) });
  const config = parseConfig(
    {
      watchDebounceMs: options.debounceMs ?? 100,
      plugins: [{ name: 'hot', command: ['node', './plugin.mjs'], watch: true, timeouts: { initMs: options.initMs ?? 15_000 } }],
    },
    { source: 'test', baseDir: dir },
  );
  const supervisor = new Supervisor(config);
  cleanups.push(() => supervisor.stop());
  await supervisor.start();
  expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', version: 'v1', watch: [dir] });
  return { dir, file, supervisor };
}

const versionOf = async (supervisor: Supervisor, id = 0): Promise<string> => {
  const obs = await supervisor.execute({ action: 'version', args: { id } });
  expect(obs.observation).toBe('version');
  return obs.content.split('|')[0]!;
};

const readyWith = (supervisor: Supervisor, version: string) => nextEvent<ReadyEvent>(supervisor, 'ready', (e) => e.version === version, 45_000);

describe('hot reload on file change', () => {
  it('an edit reloads the plugin: new answers, routing follows the new action set, no restart counted', async () => {
    const { file, supervisor } = await setup();
    expect(await versionOf(supervisor)).toBe('v1');

    const reloaded = nextEvent<ReloadEvent>(supervisor, 'reload', () => true, 45_000);
    await writePlugin(file, { version: 'v2', extraActions: ['extra'] });
    const event = await reloaded;
    expect(event).toMatchObject({ plugin: 'hot', fromGeneration: 1, toGeneration: 2 });
    expect(await versionOf(supervisor)).toBe('v2');
    expect(await supervisor.execute({ action: 'extra', args: {} })).toMatchObject({ observation: 'extra', content: 'v2' });
    expect(supervisor.routes()).toEqual({ extra: 'hot', version: 'hot' });

    const again = readyWith(supervisor, 'v3');
    await writePlugin(file, { version: 'v3' });
    await again;
    // The swap happens synchronously right after 'ready' (same tick as the 'reload' event).
    expect(await versionOf(supervisor)).toBe('v3');
    expect(supervisor.routes()).toEqual({ version: 'hot' });
    expect(await supervisor.execute({ action: 'extra', args: {} })).toMatchObject({ extras: { error_id: 'NO_PLUGIN_FOR_ACTION' } });
    expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', generation: 3, reloads: 2, restarts: 0, lastReloadError: undefined });
  });

  it('5 reloads during a continuous load of 50 concurrent actions lose none and run none twice', async () => {
    const receivedDir = await makeTempDir('plugd-received-');
    cleanups.push(() => removeDir(receivedDir));
    const receivedFile = join(receivedDir, 'received');
    const { file, supervisor } = await setup({ receivedFile });
    const events = recordEvents(supervisor, ['reload', 'reload_failed', 'exit', 'restart']);
    const ledger = new ActionLedger();
    const contents = new Map<string, string>();
    const outcomes: { id: number; observation: string; content: string }[] = [];
    let nextId = 0;
    let loading = true;
    const seen = new Set<string>();
    const worker = async (): Promise<void> => {
      while (loading) {
        const id = nextId++;
        ledger.sent(String(id));
        const obs = await supervisor.execute({ action: 'version', args: { id, ms: 5 + (id % 4) * 10 } });
        ledger.answered(String(id), obs.observation === 'version' ? 'ok' : obs.observation);
        contents.set(String(id), obs.content);
        outcomes.push({ id, observation: obs.observation, content: obs.content });
        if (obs.observation === 'version') seen.add(obs.content.split('|')[0]!);
      }
    };
    const workers = Array.from({ length: 50 }, () => worker());

    for (let v = 2; v <= 6; v++) {
      const version = `v${v}`;
      const served = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (seen.has(version)) {
            clearInterval(check);
            resolve();
          }
        }, 5);
      });
      const reloaded = nextEvent<ReloadEvent>(supervisor, 'reload', (e) => e.toGeneration === v, 45_000);
      await writePlugin(file, { version, receivedFile });
      await reloaded;
      await served; // the new generation answers actions under load
    }
    loading = false;
    await ledger.settle(Promise.all(workers), 60_000);
    events.dispose();

    expect(outcomes.length).toBeGreaterThan(250);
    expect(outcomes.filter((o) => o.observation !== 'version')).toEqual([]);
    // Both sides: each action answered once, run once by exactly one generation, and
    // answered by the generation that ran it ("<version>|<id>" on both sides).
    const lines = receivedKeys(receivedFile);
    expect(ledger.problems(lines.map((line) => line.split('|')[1]!))).toEqual([]);
    const mismatched = lines.filter((line) => contents.get(line.split('|')[1]!) !== line);
    expect(mismatched).toEqual([]);
    expect(lines).toHaveLength(nextId);
    const reloads = events.log.filter((e) => e.event === 'reload').map((e) => e.payload as ReloadEvent);
    expect(reloads.map((r) => r.toGeneration)).toEqual([2, 3, 4, 5, 6]);
    expect(events.log.filter((e) => e.event === 'reload_failed' || e.event === 'restart')).toEqual([]);
    // Every old generation was stopped on purpose (drained), none crashed.
    await supervisor.stop();
    expect(supervisor.plugin('hot')).toMatchObject({ restarts: 0, reloads: 5 });
  });

  it('a syntax error, a crash on start or an initialize timeout keeps the old generation serving; the fix then reloads', async () => {
    const { file, supervisor } = await setup({ initMs: 2_000 });
    const failures: ReloadFailedEvent[] = [];
    supervisor.on('reload_failed', (e) => failures.push(e));

    const broken: [string, Parameters<typeof writePlugin>[1], RegExp][] = [
      ['syntax error', { version: 'bad1', trailer: 'this is not javascript ((' }, /exited before answering initialize|SyntaxError|code 1/],
      ['crash on start', { version: 'bad2', prelude: 'process.exit(3);' }, /code 3/],
      ['initialize timeout', { version: 'bad3', prelude: 'await new Promise(() => setInterval(() => {}, 1000));' }, /initialize within 2000 ms/],
    ];
    for (const [what, source, message] of broken) {
      const failed = nextEvent<ReloadFailedEvent>(supervisor, 'reload_failed', () => true, 45_000);
      await writePlugin(file, source);
      const event = await failed;
      expect({ what, error: event.error }).toEqual({ what, error: expect.stringMatching(message) });
      expect(await versionOf(supervisor)).toBe('v1');
      expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', version: 'v1', generation: 1, restarts: 0, lastReloadError: expect.stringMatching(message) });
    }
    expect(failures).toHaveLength(3);

    const fixed = nextEvent<ReloadEvent>(supervisor, 'reload', () => true, 45_000);
    await writePlugin(file, { version: 'v2' });
    await fixed;
    expect(await versionOf(supervisor)).toBe('v2');
    expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', version: 'v2', reloads: 1, restarts: 0, lastReloadError: undefined, lastError: undefined });
  });

  it('10 saves in quick succession cause at most 2 reloads', async () => {
    const { file, supervisor } = await setup({ debounceMs: 150 });
    const events = recordEvents(supervisor, ['reload', 'reload_failed']);
    const last = readyWith(supervisor, 'burst10');
    for (let i = 1; i <= 10; i++) {
      await writePlugin(file, { version: `burst${i}` });
      await new Promise((resolve) => setTimeout(resolve, 10)); // pacing of the saves, not synchronization
    }
    await last;
    // A known later event: a real change after the burst; every reload of the burst came before it.
    const marker = readyWith(supervisor, 'marker');
    await writePlugin(file, { version: 'marker' });
    await marker;
    events.dispose();
    const reloads = events.log.filter((e) => e.event === 'reload');
    expect(events.log.filter((e) => e.event === 'reload_failed')).toEqual([]);
    expect(reloads.length - 1).toBeGreaterThanOrEqual(1);
    expect(reloads.length - 1).toBeLessThanOrEqual(2);
    expect(await versionOf(supervisor)).toBe('marker');
  });

  it('a save without a content change, and changes to ignored files, cause no reload', async () => {
    const { dir, file, supervisor } = await setup();
    const events = recordEvents(supervisor, ['reload', 'reload_failed', 'spawn']);
    // Same bytes written again, and a bare touch.
    await writeFile(file, await readFile(file));
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    // Ignored: dotfiles, node_modules, .git, __pycache__, editor temp files.
    await mkdir(join(dir, 'node_modules'), { recursive: true });
    await mkdir(join(dir, '.git'), { recursive: true });
    await mkdir(join(dir, '__pycache__'), { recursive: true });
    for (const name of ['.hidden.js', 'node_modules/dep.js', '.git/index', '__pycache__/x.pyc', 'plugin.mjs.swp', 'plugin.mjs~', '.#plugin.mjs', '4913', '#plugin.mjs#']) {
      await writeFile(join(dir, name), `changed ${name}`);
    }
    // The known later event: one real change.
    const reloaded = nextEvent<ReloadEvent>(supervisor, 'reload', () => true, 45_000);
    await writePlugin(file, { version: 'v2' });
    await reloaded;
    events.dispose();
    expect(events.log.filter((e) => e.event === 'reload')).toHaveLength(1);
    expect(events.log.filter((e) => e.event === 'spawn')).toHaveLength(1);
    expect(await versionOf(supervisor)).toBe('v2');
    expect(supervisor.plugin('hot')).toMatchObject({ reloads: 1, generation: 2 });
  });

  it("an editor's atomic save (write temp file + rename) reloads once", async () => {
    const { file, supervisor } = await setup();
    const events = recordEvents(supervisor, ['reload', 'reload_failed']);
    const first = readyWith(supervisor, 'atomic');
    await atomicWritePlugin(file, { version: 'atomic' }); // temp name not on the ignore list: the content hash settles it
    await first;
    const second = readyWith(supervisor, 'atomic2');
    await atomicWritePlugin(file, { version: 'atomic2' }, `${file}.tmp`);
    await second;
    const marker = readyWith(supervisor, 'marker');
    await writePlugin(file, { version: 'marker' });
    await marker;
    events.dispose();
    expect(events.log.filter((e) => e.event === 'reload')).toHaveLength(3);
    expect(events.log.filter((e) => e.event === 'reload_failed')).toEqual([]);
    expect(await versionOf(supervisor)).toBe('marker');
  });
});
