/**
 * Speculative start on real files and real processes: a save starts the new generation
 * while the watch debounce still runs; the settled burst confirms it (it serves) or
 * invalidates it (stopped without a trace; the burst reloads as always). Ordering is read
 * from one timeline of plugd's events and log lines, never from wall-clock thresholds.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Supervisor, jsonLogger, parseConfig } from '@plugd/supervisor';
import type { ReadyEvent } from '@plugd/supervisor';
import { hotPluginSource, makeTempDir, nextEvent, removeDir, writePlugin } from '../helpers/hot-plugin.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Entry = { kind: 'log'; msg: string; generation?: number; pid?: number } | { kind: string; payload: Record<string, unknown> };

/** A supervisor watching one hot plugin, with its events and debug log lines on one timeline. */
async function setup(debounceMs: number) {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  const file = join(dir, 'plugin.mjs');
  await writePlugin(file, { version: 'v1' });
  const timeline: Entry[] = [];
  const waiters: { match: (e: Entry) => boolean; resolve: (e: Entry) => void }[] = [];
  const push = (entry: Entry): void => {
    timeline.push(entry);
    for (const w of waiters.filter((w) => w.match(entry))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(entry);
    }
  };
  const logger = jsonLogger((line) => {
    const { msg, generation, pid } = JSON.parse(line) as { msg: string; generation?: number; pid?: number };
    push({ kind: 'log', msg, generation, pid });
  }, 'debug');
  const config = parseConfig(
    { watchDebounceMs: debounceMs, plugins: [{ name: 'hot', command: ['node', './plugin.mjs'], watch: true, timeouts: { initMs: 20_000 } }] },
    { source: 'test', baseDir: dir },
  );
  const supervisor = new Supervisor(config, { logger });
  cleanups.push(() => supervisor.stop());
  for (const kind of ['state', 'spawn', 'ready', 'reload', 'reload_failed', 'start_failed', 'exit']) {
    supervisor.on(kind as 'state', (payload) => push({ kind, payload: payload as unknown as Record<string, unknown> }));
  }
  await supervisor.start();
  const started = timeline.length;
  /** The next timeline entry (from now on) that matches; rejects after a generous deadline. */
  const next = (match: (e: Entry) => boolean, ms = 45_000): Promise<Entry> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching timeline entry within ${ms} ms; saw: ${JSON.stringify(timeline.slice(started))}`)), ms);
      waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  return { dir, file, supervisor, timeline, next };
}

const isLog = (re: RegExp) => (e: Entry) => e.kind === 'log' && re.test((e as { msg: string }).msg);
const SPECULATIVE_START = /generation \d+ started while their events settle/;
const SPECULATIVE_STOP = /started early, stopped/;
const kinds = (entries: Entry[], kind: string) => entries.filter((e) => e.kind === kind).map((e) => (e as { payload: Record<string, unknown> }).payload);

const versionOf = async (supervisor: Supervisor): Promise<string> => {
  const obs = await supervisor.execute({ action: 'version', args: { id: 0 } });
  expect(obs.observation).toBe('version');
  return obs.content.split('|')[0]!;
};

describe('speculative start during the watch debounce', () => {
  it('a save is served by a generation spawned before the debounce elapsed: spawned, then the reload began, then it served', async () => {
    const { file, supervisor, timeline } = await setup(1_000);
    const from = timeline.length;
    const ready = nextEvent<ReadyEvent>(supervisor, 'ready', (e) => e.version === 'v2', 45_000);
    await writePlugin(file, { version: 'v2' });
    const served = await ready;
    const entries = timeline.slice(from);

    const spawnedEarly = entries.findIndex(isLog(SPECULATIVE_START));
    const reloadBegan = entries.findIndex((e) => e.kind === 'state' && (e as { payload: Record<string, unknown> }).payload['state'] === 'reloading');
    const readyAt = entries.findIndex((e) => e.kind === 'ready');
    expect(spawnedEarly).toBeGreaterThanOrEqual(0);
    expect(spawnedEarly).toBeLessThan(reloadBegan);
    expect(reloadBegan).toBeLessThan(readyAt);
    // The early spawn is the very process that serves.
    expect(entries[spawnedEarly]).toMatchObject({ generation: 2, pid: served.pid });
    expect(served).toMatchObject({ generation: 2 });
    // While the debounce ran, nothing of it was told: its spawn event comes with the reload.
    expect(entries.slice(0, reloadBegan).filter((e) => e.kind !== 'log')).toEqual([]);
    expect(kinds(entries, 'spawn')).toEqual([expect.objectContaining({ generation: 2, pid: served.pid })]);
    expect(kinds(entries, 'reload')).toEqual([expect.objectContaining({ fromGeneration: 1, toGeneration: 2 })]);
    expect(await versionOf(supervisor)).toBe('v2');
    expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', generation: 2, reloads: 1, restarts: 0, lastReloadError: undefined });
  });

  it('a burst (truncate, a new file, the final write) ends in exactly one promoted generation with the final content; the early start leaves no trace', async () => {
    const { dir, file, supervisor, timeline, next } = await setup(600);
    const from = timeline.length;
    const startedEarly = next(isLog(SPECULATIVE_START));
    const final = nextEvent<ReadyEvent>(supervisor, 'ready', (e) => e.version === 'final', 45_000);
    await truncate(file, 0);
    await startedEarly; // started on the empty file
    await writeFile(join(dir, 'lib.mjs'), 'export const LIB = "lib";\n');
    await writeFile(file, hotPluginSource({ version: 'final', prelude: "await import('./lib.mjs');" }));
    await final;
    // A known later change: everything the burst caused came before it.
    const marker = nextEvent<ReadyEvent>(supervisor, 'ready', (e) => e.version === 'marker', 45_000);
    await writePlugin(file, { version: 'marker' });
    await marker;
    const entries = timeline.slice(from);

    expect(entries.filter(isLog(SPECULATIVE_STOP))).toHaveLength(1); // the start on the empty file, invalidated
    expect(kinds(entries, 'ready').map((e) => e['version'])).toEqual(['final', 'marker']);
    expect(kinds(entries, 'reload')).toHaveLength(2);
    expect(kinds(entries, 'spawn')).toHaveLength(2); // the invalidated generation's spawn was never told
    expect(kinds(entries, 'reload_failed')).toEqual([]);
    expect(kinds(entries, 'start_failed')).toEqual([]);
    expect(kinds(entries, 'exit').filter((e) => e['expected'] !== true)).toEqual([]);
    expect(await versionOf(supervisor)).toBe('marker');
    expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', reloads: 2, restarts: 0, lastReloadError: undefined });
  });

  it('a save that writes the same bytes starts nothing', async () => {
    const { file, supervisor, timeline, next } = await setup(200);
    const from = timeline.length;
    const settled = next(isLog(/saved without a content change/));
    await writeFile(file, await readFile(file));
    await settled;
    const marker = nextEvent<ReadyEvent>(supervisor, 'ready', (e) => e.version === 'marker', 45_000);
    await writePlugin(file, { version: 'marker' });
    await marker;
    const entries = timeline.slice(from);
    const noop = entries.findIndex(isLog(/saved without a content change/));
    // Before the marker's burst: no early start, no spawn, nothing at all but that line.
    expect(entries.slice(0, noop + 1).filter((e) => !isLog(/saved without a content change/)(e))).toEqual([]);
    expect(entries.filter(isLog(SPECULATIVE_START))).toHaveLength(1); // the marker's
    expect(kinds(entries, 'spawn')).toHaveLength(1);
    expect(supervisor.plugin('hot')).toMatchObject({ reloads: 1, generation: 2 });
  });
});
