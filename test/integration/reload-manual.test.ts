/**
 * Reload by hand: POST /plugins/{name}/reload, `plugd reload NAME` against a running
 * `plugd start`, and `plugd reload --config` / SIGHUP (re-read the config, apply the difference). Watching is off
 * here, so only these trigger reloads.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlugdHttpServer, Supervisor, parseConfig } from '@plugd/supervisor';
import { ROOT, makeTempDir, removeDir, writePlugin } from '../helpers/hot-plugin.js';
import { EVERYTHING } from '../helpers/mcp-servers.js';

const PLUGD = join(ROOT, 'bin', 'plugd');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pluginDir(): Promise<{ dir: string; file: string }> {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  const file = join(dir, 'plugin.mjs');
  await writePlugin(file, { version: 'v1' });
  return { dir, file };
}

const PLUGIN_CONFIG = { name: 'hot', command: ['node', './plugin.mjs'], watch: false, timeouts: { initMs: 15_000 } };

async function http(url: string, method: 'GET' | 'POST', path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, url), { method });
  return { status: res.status, body: await res.json() };
}

describe('POST /plugins/{name}/reload', () => {
  it('reloads and answers the new state; a broken file leaves the old generation serving with lastReloadError in GET /plugins', async () => {
    const { dir, file } = await pluginDir();
    const supervisor = new Supervisor(parseConfig({ plugins: [PLUGIN_CONFIG] }, { source: 'test', baseDir: dir }));
    cleanups.push(() => supervisor.stop());
    const server = new PlugdHttpServer(supervisor, { host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 20 });
    await server.listen();
    cleanups.push(() => server.close());
    await supervisor.start();

    await writePlugin(file, { version: 'v2' });
    const ok = await http(server.url, 'POST', '/plugins/hot/reload');
    expect(ok).toMatchObject({ status: 200, body: { name: 'hot', state: 'ready', generation: 2, version: 'v2', reloads: 1, restarts: 0 } });
    expect(ok.body.lastReloadError).toBeUndefined();

    await writePlugin(file, { version: 'bad', trailer: 'syntax error here ((' });
    const bad = await http(server.url, 'POST', '/plugins/hot/reload');
    expect(bad).toMatchObject({ status: 200, body: { state: 'ready', generation: 2, version: 'v2', lastReloadError: expect.stringMatching(/initialize/) } });
    const list = await http(server.url, 'GET', '/plugins');
    expect(list.body.plugins[0]).toMatchObject({ name: 'hot', state: 'ready', version: 'v2', lastReloadError: expect.any(String) });
    expect(await supervisor.execute({ action: 'version', args: { id: 1 } })).toMatchObject({ content: 'v2|1' });

    expect(await http(server.url, 'POST', '/plugins/nope/reload')).toMatchObject({ status: 404 });

    await writePlugin(file, { version: 'v3' });
    expect(await http(server.url, 'POST', '/plugins/hot/reload')).toMatchObject({ status: 200, body: { generation: 4, version: 'v3', reloads: 2 } });
    expect((await http(server.url, 'GET', '/plugins')).body.plugins[0].lastReloadError).toBeUndefined();
  });
});

interface Plugd {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `plugd start ... --port 0`; the URL comes from its `plugd listening on URL` log line. */
async function startPlugd(args: string[]): Promise<Plugd> {
  const child = spawn(process.execPath, [PLUGD, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      await closed;
    }
  });
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const waitFor = (pattern: RegExp, ms = 45_000) =>
    new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(err)) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`plugd's stderr did not match ${pattern} within ${ms} ms:\n${err}`));
      }, ms);
      const onClose = (): void => {
        finish();
        reject(new Error(`plugd exited before its stderr matched ${pattern}:\n${err}`));
      };
      const finish = (): void => {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        child.off('close', onClose);
      };
      child.stderr!.on('data', check);
      child.once('close', onClose);
      check();
    });
  await waitFor(/"msg":"plugd listening on http:\/\/[^"]+"/);
  const url = /"msg":"plugd listening on (http:\/\/[^"]+)"/.exec(err)![1]!;
  return { child, url, stderr: () => err, waitFor, exited };
}

function runPlugd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLUGD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('plugd reload NAME, reload --config and SIGHUP, against a running plugd start', () => {
  it('plugd reload swaps in the edited plugin, reports a broken one (exit 1); SIGHUP and plugd reload --config apply the config difference', async () => {
    const { dir, file } = await pluginDir();
    const second = join(dir, 'second.mjs');
    await writePlugin(second, { version: 's1' });
    await writeFile(
      join(dir, 'plugd.json'),
      JSON.stringify({
        plugins: [PLUGIN_CONFIG, { name: 'second', command: ['node', './second.mjs'], watch: false }],
        routes: { version: 'hot' },
      }),
    );
    const plugd = await startPlugd(['-c', join(dir, 'plugd.json'), '--port', '0', '--log-level', 'info']);
    expect(plugd.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await plugd.waitFor(/"msg":"plugins started"/);

    await writePlugin(file, { version: 'v2' });
    const ok = await runPlugd(['reload', 'hot', '--url', plugd.url]);
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining('hot: ready, generation 2') });
    expect(ok.stdout).toContain('version v2');

    await writePlugin(file, { version: 'bad', prelude: 'process.exit(7);' });
    const bad = await runPlugd(['reload', 'hot', '--url', plugd.url]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/hot did not reload: .*code 7.*generation 2 keeps serving/);
    await plugd.waitFor(/plugin hot did not reload/);

    expect(await runPlugd(['reload', 'nope', '--url', plugd.url])).toMatchObject({ code: 2 });

    // SIGHUP reads the config again: second's config changed (replaced blue/green, so its
    // new code runs); hot's did not, so it is untouched although its file changed.
    await writePlugin(file, { version: 'v3' });
    await writePlugin(second, { version: 's2' });
    const config = (secondEnv: Record<string, string>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ plugins: [PLUGIN_CONFIG, { name: 'second', command: ['node', './second.mjs'], watch: false, env: secondEnv }], routes: { version: 'hot' }, ...extra });
    await writeFile(join(dir, 'plugd.json'), config({ CHANGED: '1' }));
    plugd.child.kill('SIGHUP');
    await plugd.waitFor(/"msg":"config reloaded: 0 added, 0 removed, 1 changed, 1 unchanged"/);
    const list = await http(plugd.url, 'GET', '/plugins');
    const byName = Object.fromEntries((list.body.plugins as any[]).map((p) => [p.name, p]));
    expect(byName['hot']).toMatchObject({ state: 'ready', version: 'v2', generation: 2, reloads: 1, restarts: 0 });
    expect(byName['second']).toMatchObject({ state: 'ready', version: 's2', generation: 2 });
    const action = await fetch(new URL('/execute_action', plugd.url), { method: 'POST', body: JSON.stringify({ action: { action: 'version', args: { id: 5 } } }) });
    expect(await action.json()).toMatchObject({ observation: 'version', content: 'v2|5' });

    // plugd reload --config: a bad config changes nothing and says why (exit 1); a good one lists the difference.
    await writeFile(join(dir, 'plugd.json'), config({ CHANGED: '1' }, { routes: { version: 'nobody' } }));
    const refused = await runPlugd(['reload', '--config', '--url', plugd.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nothing changed: .*routes\.version.*"nobody", which is not configured/);
    await writeFile(join(dir, 'plugd.json'), config({ CHANGED: '2' }));
    expect(await runPlugd(['reload', '--config', '--url', plugd.url])).toMatchObject({ code: 0, stdout: expect.stringContaining('changed: second\nunchanged: hot') });

    plugd.child.kill('SIGTERM');
    expect(await plugd.exited).toEqual({ code: 0, signal: null });
  });

  it('keeps the --mcp servers of the command line across a SIGHUP config reload', async () => {
    const { dir } = await pluginDir();
    await writeFile(join(dir, 'plugd.json'), JSON.stringify({ plugins: [PLUGIN_CONFIG] }));
    const plugd = await startPlugd(['-c', join(dir, 'plugd.json'), '--port', '0', '--log-level', 'info', '--mcp', EVERYTHING.join(' ')]);
    await plugd.waitFor(/"msg":"plugins started"/);
    plugd.child.kill('SIGHUP');
    await plugd.waitFor(/"msg":"config reloaded: /);
    expect(plugd.stderr()).toMatch(/"msg":"config reloaded: 0 added, 0 removed, 0 changed, 2 unchanged"/);
    const list = await http(plugd.url, 'GET', '/plugins');
    expect((list.body.plugins as { name: string; state: string }[]).map((p) => p.state)).toEqual(['ready', 'ready']);
    plugd.child.kill('SIGTERM');
    expect(await plugd.exited).toEqual({ code: 0, signal: null });
  });
});
