import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { parseConfig } from '../src/config/parse-config.js';
import { applyMcpUpdate } from '../src/mcp/mcp-update.js';
import { Supervisor } from '../src/supervisor.js';
import { FakeMcpLauncher } from './fakes/fake-mcp-process.js';

const dirs: string[] = [];
let supervisor: Supervisor | undefined;

afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SERVER = { command: 'node', args: ['server.js'], env: {} };

describe('POST /update_mcp_server and file watching', () => {
  it("stops the file watcher of a server it removes; a later server of that name is not reloaded by the old watcher's files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugd-mcp-watch-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'tool.txt'), 'one');
    const config = parseConfig(
      {
        watchDebounceMs: 50,
        defaults: { timeouts: { shutdownMs: 200 } },
        plugins: [
          { name: 'a', protocol: 'mcp', command: [SERVER.command, ...SERVER.args], watch: [dir] },
          { name: 'b', protocol: 'mcp', command: [SERVER.command, ...SERVER.args], watch: [dir] },
        ],
      },
      { source: 'test', baseDir: dir },
    );
    supervisor = new Supervisor(config, { launcher: new FakeMcpLauncher() });
    await supervisor.start();
    expect(supervisor.watchedPlugins().sort()).toEqual(['a', 'b']);

    // `a` is not in the list: removed. `b` is unchanged: kept, still watched.
    const removed = await applyMcpUpdate(supervisor, [{ name: 'b', ...SERVER }]);
    expect(removed.router_error_log).toBe('');
    expect(supervisor.plugin('a')).toBeUndefined();
    expect(supervisor.watchedPlugins()).toEqual(['b']);

    // A new `a` (OpenHands' shape has no `watch`): not watched.
    await applyMcpUpdate(supervisor, [{ name: 'a', ...SERVER }, { name: 'b', ...SERVER }]);
    expect(supervisor.watchedPlugins()).toEqual(['b']);
    const reloaded: string[] = [];
    supervisor.on('reload', (e) => reloaded.push(e.plugin));
    const bReloaded = new Promise<void>((resolve) => supervisor!.on('reload', (e) => e.plugin === 'b' && resolve()));
    writeFileSync(join(dir, 'tool.txt'), 'two');
    await bReloaded;
    // The old watcher had the same debounce: it would have fired by now (allowing it ten times over).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reloaded).toEqual(['b']);
    expect(supervisor.plugin('a')).toMatchObject({ state: 'ready', reloads: 0 });
  });
});
