import { afterEach, describe, expect, it } from '@jest/globals';
import type { SupervisorConfig } from '../src/config/types.js';
import { Supervisor } from '../src/supervisor.js';
import { FakeLauncher } from './fakes/fake-process.js';
import { errorId } from './fakes/managed.js';
import { pluginOptions } from './fakes/options.js';
import { DEFAULT_SERVER } from '../src/config/defaults.js';

function config(routes: Record<string, string>): SupervisorConfig {
  return {
    source: 'test',
    baseDir: '/',
    username: 'tester',
    server: { ...DEFAULT_SERVER, port: 0, maxBodyBytes: 1024 },
    routes,
    fallbacks: {},
    maxCallDepth: 4,
    redact: [],
    watchDebounceMs: 100,
    plugins: [pluginOptions({ name: 'down', restart: { failedRetryMs: 600_000 } }), pluginOptions({ name: 'up' })],
  };
}

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

describe('Supervisor routing to a plugin that is down', () => {
  it('answers an action type that `routes` sends to a failed plugin PLUGIN_UNAVAILABLE with the reason, not NO_PLUGIN_FOR_ACTION', async () => {
    // Plugins start in config order: "down" first, and its program does not exist.
    const launcher = new FakeLauncher({ actions: ['run'] }).next({ missing: 'cannot find the program "down-tool" (not on PATH)' });
    supervisor = new Supervisor(config({ special: 'down' }), { launcher });
    await supervisor.start();
    expect(supervisor.plugin('down')?.state).toBe('failed');
    const answer = await supervisor.execute({ action: 'special', args: {} });
    expect(errorId(answer)).toBe('PLUGIN_UNAVAILABLE');
    expect(answer.content).toMatch(/Plugin down cannot run "special": it has failed: cannot find the program "down-tool"/);
    // A type no one claims or routes is still NO_PLUGIN_FOR_ACTION.
    expect(errorId(await supervisor.execute({ action: 'nobody', args: {} }))).toBe('NO_PLUGIN_FOR_ACTION');
  });

  it('answers a type `routes` sends to a plugin stopped for good PLUGIN_UNAVAILABLE', async () => {
    const launcher = new FakeLauncher({ actions: ['run'] });
    const cfg = config({ special: 'down' });
    supervisor = new Supervisor({ ...cfg, plugins: [pluginOptions({ name: 'down', restart: { mode: 'never' } }), cfg.plugins[1]!] }, { launcher });
    launcher.next({ initialize: 'exit' });
    await supervisor.start();
    expect(supervisor.plugin('down')?.state).toBe('stopped');
    const answer = await supervisor.execute({ action: 'special', args: {} });
    expect(errorId(answer)).toBe('PLUGIN_UNAVAILABLE');
    expect(answer.content).toMatch(/it is stopped/);
  });
});
