/**
 * The blue/green swap itself, driven by Supervisor.reload() (no watcher): in-flight
 * actions finish on the old generation, coalescing, and reloads outside the crash budget.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { Supervisor, parseConfig } from '@plugd/supervisor';
import type { ExitEvent, ReadyEvent } from '@plugd/supervisor';
import { atomicWritePlugin, makeTempDir, nextEvent, recordEvents, removeDir, writePlugin } from '../helpers/hot-plugin.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(restart: Record<string, number> = {}): Promise<{ file: string; supervisor: Supervisor }> {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  const file = join(dir, 'plugin.mjs');
  await writePlugin(file, { version: 'v1' });
  const supervisor = new Supervisor(
    parseConfig({ plugins: [{ name: 'hot', command: ['node', './plugin.mjs'], restart, timeouts: { initMs: 15_000 } }] }, { source: 'test', baseDir: dir }),
  );
  cleanups.push(() => supervisor.stop());
  await supervisor.start();
  return { file, supervisor };
}

describe('blue/green swap', () => {
  it('actions in flight finish on the old generation; new ones go to the new one only once it answered initialize', async () => {
    const { file, supervisor } = await setup();
    const events = recordEvents(supervisor, ['ready', 'reload', 'exit', 'action']);
    // A long action on generation 1, in flight across the whole reload.
    const long = supervisor.execute({ action: 'version', args: { id: 1, ms: 2_500 } });
    await writePlugin(file, { version: 'v2' });
    const ready = nextEvent<ReadyEvent>(supervisor, 'ready', (e) => e.generation === 2, 45_000);
    const reload = supervisor.reload('hot');
    // Until the new generation is ready, actions are served by the old one.
    expect((await supervisor.execute({ action: 'version', args: { id: 2 } })).content).toBe('v1|2');
    await ready;
    expect((await supervisor.execute({ action: 'version', args: { id: 3 } })).content).toBe('v2|3');
    const oldExit = nextEvent<ExitEvent>(supervisor, 'exit', (e) => e.generation === 1, 45_000);
    expect((await long).content).toBe('v1|1');
    expect(await oldExit).toMatchObject({ reason: 'stopped', expected: true, code: 0 });
    await reload;
    events.dispose();
    // The old generation exited only after its in-flight action was answered.
    const order = events.log.map((e) => (e.event === 'action' ? `action:${e.payload.generation}` : `${e.event}:${e.payload.generation ?? e.payload.toGeneration}`));
    expect(order.indexOf('exit:1')).toBeGreaterThan(order.lastIndexOf('action:1'));
    expect(order.indexOf('ready:2')).toBeLessThan(order.indexOf('action:2'));
    expect(supervisor.plugin('hot')).toMatchObject({ generation: 2, reloads: 1, restarts: 0, state: 'ready' });
  });

  it('reloads requested during a reload coalesce into one more', async () => {
    const { file, supervisor } = await setup();
    const events = recordEvents(supervisor, ['reload', 'spawn']);
    await writePlugin(file, { version: 'v2' });
    const spawned = nextEvent(supervisor, 'spawn', () => true, 10_000);
    const first = supervisor.reload('hot');
    await spawned; // generation 2 is starting: the reload is under way
    // Atomic, as an editor saves: generation 2 may be reading the file right now, and a
    // truncate-then-write could hand it half a file.
    await atomicWritePlugin(file, { version: 'v3' });
    const more = [supervisor.reload('hot'), supervisor.reload('hot'), supervisor.reload(), supervisor.reload('hot')];
    await Promise.all([first, ...more]);
    events.dispose();
    expect(events.log.filter((e) => e.event === 'reload').map((e) => e.payload.toGeneration)).toEqual([2, 3]);
    expect(supervisor.plugin('hot')).toMatchObject({ generation: 3, version: 'v3', reloads: 2 });
  });

  it('reloads, failed or not, do not count toward the crash budget', async () => {
    const { file, supervisor } = await setup({ maxRestarts: 1, windowMs: 60_000, initialDelayMs: 50 });
    for (let i = 0; i < 3; i++) {
      await writePlugin(file, { version: `bad${i}`, prelude: 'process.exit(9);' });
      await supervisor.reload('hot');
      await writePlugin(file, { version: `v${i + 2}` });
      await supervisor.reload('hot');
    }
    expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', version: 'v4', reloads: 3, restarts: 0 });
    expect(supervisor.plugin('hot')?.lastReloadError).toBeUndefined();
    // The budget is intact: one real crash is restarted, not failed.
    const restarted = nextEvent<ReadyEvent>(supervisor, 'ready', () => true, 45_000);
    process.kill(supervisor.plugin('hot')!.pid!, 'SIGKILL');
    await restarted;
    expect(supervisor.plugin('hot')).toMatchObject({ state: 'ready', version: 'v4', restarts: 1 });
  });
});
