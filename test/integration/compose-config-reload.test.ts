/**
 * Config reload at run time (Supervisor.reloadConfig, POST /config/reload): added
 * plugins start, removed ones stop after their actions, changed ones are replaced
 * blue/green, unchanged ones are untouched, a bad config changes nothing. Real
 * plugin processes; every action counted plugin-side.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { PlugdHttpServer, loadConfigFile } from '@plugd/supervisor';
import { ComposeHarness, composePlugin } from '../helpers/compose.js';

let h: ComposeHarness | undefined;
let server: PlugdHttpServer | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await server?.close();
  await h?.close();
  cleanup?.();
  cleanup = undefined;
  server = undefined;
  h = undefined;
});

describe('config reload', () => {
  it('adds, removes and changes plugins while 50 actions are in flight, with none lost; a bad config changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugd-reload-'));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    const log = join(dir, 'received.log');
    const file = join(dir, 'plugd.json');
    const plugin = (name: string, env: Record<string, string> = {}) => composePlugin(name, {}, { FIXTURE_ACTIONS: name, FIXTURE_LOG: log, ...env });
    const write = (plugins: unknown[]) => writeFileSync(file, JSON.stringify({ plugins }));
    write([plugin('keep'), plugin('change'), plugin('drop')]);
    h = new ComposeHarness(loadConfigFile(file), { loadConfig: () => loadConfigFile(file) });
    await h.supervisor.start();
    const keepPid = h.status('keep').pid;

    const inFlight = Array.from({ length: 50 }, (_, i) => h!.run(['keep', 'change', 'drop'][i % 3]!, { text: `n${i}`, ms: 400 }));
    write([plugin('keep'), plugin('change', { FIXTURE_VERSION: '2' }), plugin('add')]);
    const result = await h.supervisor.reloadConfig();
    expect(result).toMatchObject({ added: ['add'], removed: ['drop'], changed: ['change'], unchanged: ['keep'], notApplied: [] });

    const answers = await Promise.all(inFlight);
    expect(answers.filter((o) => o.observation === 'error')).toEqual([]);
    expect(h.received(log)).toHaveLength(50);
    expect(h.status('keep')).toMatchObject({ pid: keepPid, generation: 1 });
    expect(await h.run('change', { text: 'x' })).toMatchObject({ content: 'change:x:v2' });
    expect(h.status('change').generation).toBe(2);
    expect(await h.run('add', { text: 'y' })).toMatchObject({ content: 'add:y' });
    expect(await h.run('drop')).toMatchObject({ extras: { error_id: 'NO_PLUGIN_FOR_ACTION' } });
    if (!h.events('exit').some((e) => e.plugin === 'drop')) await h.next('exit', (e) => e.plugin === 'drop', 10_000);
    expect(h.events('exit').filter((e) => e.plugin === 'drop')).toEqual([expect.objectContaining({ expected: true })]);
    expect(h.supervisor.plugins().map((p) => p.name).sort()).toEqual(['add', 'change', 'keep']);

    // A bad config, over HTTP: 400 naming the problem, nothing changed.
    server = new PlugdHttpServer(h.supervisor, { host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 20 });
    await server.listen();
    writeFileSync(file, JSON.stringify({ plugins: [plugin('keep', {}), { name: 'bad', command: ['node'], dependsOn: ['nope'] }] }));
    const response = await fetch(new URL('/config/reload', server.url), { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/nothing changed: .*plugins\[1\]\.dependsOn: depends on "nope"/);
    expect(h.supervisor.plugins().map((p) => p.name).sort()).toEqual(['add', 'change', 'keep']);
    expect(h.events('config_reload').at(-1)).toMatchObject({ error: expect.stringContaining('nope') });
  });

  it('contains plugins added at run time (config reload, addPlugin) as it contains the ones it started with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugd-reload-'));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    const file = join(dir, 'plugd.json');
    const write = (names: string[]) =>
      writeFileSync(file, JSON.stringify({ containment: 'process-group', plugins: names.map((n) => composePlugin(n, {}, { FIXTURE_ACTIONS: n })) }));
    write(['keep']);
    h = new ComposeHarness(loadConfigFile(file), { loadConfig: () => loadConfigFile(file) });
    await h.supervisor.start();
    write(['keep', 'add']);
    expect(await h.supervisor.reloadConfig()).toMatchObject({ added: ['add'] });
    const extra = loadConfigFile(file).plugins.find((p) => p.name === 'add')!;
    expect(await h.supervisor.addPlugin({ ...extra, name: 'extra', env: { ...extra.env, FIXTURE_NAME: 'extra', FIXTURE_ACTIONS: 'extra' } })).toBe(true);
    expect(await h.run('extra', { text: 'z' })).toMatchObject({ content: 'extra:z' });
    // Resource figures come from the generation's guard: only a contained plugin has them.
    for (const name of ['keep', 'add', 'extra']) expect(h.status(name).resources).toMatchObject({ processes: expect.any(Number) });
    expect(h.supervisor.containment.mechanism).toBe('process-group');
  });
});
