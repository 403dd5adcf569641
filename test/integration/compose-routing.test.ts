/**
 * Fallback routes, retries of idempotent actions only, lazy start with idle stop and
 * disabled plugins, with real plugin processes (test/fixtures/plugins/compose.mjs).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComposeHarness, composePlugin, configOf } from '../helpers/compose.js';
import { FAST_RESTART, errorId, nodeFixture } from '../helpers/supervision.js';

let h: ComposeHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('fallback routes', () => {
  it('serves every action from the fallback while the primary crash-loops, and says so in events, /plugins and metrics', async () => {
    h = new ComposeHarness({
      routes: { run: ['shell', 'shell-lite'] },
      plugins: [
        { name: 'shell', command: nodeFixture('crash-on-start.mjs'), actions: ['run'], restart: { ...FAST_RESTART, maxRestarts: 1000 } },
        composePlugin('shell-lite', { actions: ['run'] }, { FIXTURE_ACTIONS: 'run' }),
      ],
    });
    await h.supervisor.start();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await h.run('run', { text: `a${i}` }));
    expect(answers.map((o) => o.content)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4'].map((t) => `shell-lite:${t}`));
    expect(h.events('fallback')).toHaveLength(5);
    expect(h.events('fallback')[0]).toMatchObject({ type: 'run', plugin: 'shell-lite', primary: 'shell' });
    expect(h.events('action').filter((e) => e.plugin === 'shell-lite')).toHaveLength(5);
    expect(h.status('shell-lite').servedAsFallback).toBe(5);
    expect(['starting', 'restarting', 'failed']).toContain(h.status('shell').state);
    expect(await h.supervisor.metrics.text()).toMatch(/plugd_fallback_actions_total\{plugin="shell-lite",primary="shell",type="run"\} 5/);
  });
});

describe('retries', () => {
  it('runs an idempotent read once more after a crash mid-read, and never runs a crashed run twice (counted plugin-side)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugd-retry-'));
    const log = join(dir, 'received.log');
    const once = join(dir, 'crashed-once');
    h = new ComposeHarness({
      plugins: [composePlugin('files', {}, { FIXTURE_ACTIONS: 'read,run', FIXTURE_IDEMPOTENT: '["read"]', FIXTURE_LOG: log, FIXTURE_CRASH_ONCE: once })],
    });
    await h.supervisor.start();
    const read = await h.run('read', { text: 'r', crash: true });
    expect(read).toMatchObject({ observation: 'read', content: 'files:r' });
    expect(h.received(log).filter((l) => l.includes(' read '))).toHaveLength(2);
    expect(h.events('retry')).toEqual([expect.objectContaining({ type: 'read', plugin: 'files' })]);
    expect(h.status('files')).toMatchObject({ retried: 1, idempotent: ['read'] });

    rmSync(once);
    const run = await h.run('run', { text: 'x', crash: true });
    expect(errorId(run)).toBe('PLUGIN_CRASHED');
    // The next action runs on the restarted generation: by then a retry would have been sent.
    expect(await h.run('run', { text: 'after' })).toMatchObject({ content: 'files:after' });
    expect(h.received(log).filter((l) => l.includes(' run '))).toEqual([expect.stringContaining('"crash":true'), expect.stringContaining('"after"')]);
    expect(h.events('retry')).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('idempotency declarations', () => {
  it('the built-in files plugin declares read and edit view idempotent; the config adds and removes', async () => {
    h = new ComposeHarness({ plugins: [{ name: 'files', idempotent: { add: ['list_files'], remove: ['read'] } }] });
    await h.supervisor.start();
    expect(h.status('files').idempotent).toEqual([{ action: 'edit', args: { command: ['view'] } }, 'list_files']);
  });
});

describe('lazy start and idle stop', () => {
  it('starts a lazy plugin on its first action (not before /alive), stops it when idle, and starts it again', async () => {
    h = new ComposeHarness({ plugins: [composePlugin('lazy', { start: 'lazy', idleStopMs: 300, actions: ['echo'] }, { FIXTURE_ACTIONS: 'echo' })] });
    await h.supervisor.start();
    expect(h.supervisor.initialized).toBe(true);
    expect(h.status('lazy')).toMatchObject({ state: 'stopped', start: 'lazy' });
    expect(h.events('spawn')).toHaveLength(0);

    expect(await h.run('echo', { text: 'one' })).toMatchObject({ content: 'lazy:one' });
    expect(h.events('spawn')).toHaveLength(1);
    await h.next('state', (e) => e.plugin === 'lazy' && e.state === 'stopped', 10_000);
    expect(h.events('exit').at(-1)).toMatchObject({ plugin: 'lazy', expected: true });

    expect(await h.run('echo', { text: 'two' })).toMatchObject({ content: 'lazy:two' });
    expect(h.events('spawn')).toHaveLength(2);
  });
});

describe('lazy dependencies', () => {
  it('starts the lazy dependencies of a lazy plugin first, on its first action', async () => {
    h = new ComposeHarness({
      plugins: [
        composePlugin('top', { start: 'lazy', dependsOn: ['base'], actions: ['top'] }, { FIXTURE_ACTIONS: 'top' }),
        composePlugin('base', { start: 'lazy', actions: ['base'] }, { FIXTURE_ACTIONS: 'base', FIXTURE_START_DELAY_MS: '200' }),
      ],
    });
    await h.supervisor.start();
    expect(await h.run('top', { text: 't' })).toMatchObject({ content: 'top:t' });
    expect(h.events('ready').map((e) => e.plugin)).toEqual(['base', 'top']);
  });
});

describe('conditions', () => {
  it('disables a plugin whose condition is false, says what is missing, and enables it when a config reload finds it met', async () => {
    delete process.env['PLUGD_TEST_COMPOSE_FLAG'];
    const raw = {
      plugins: [
        composePlugin('py', { when: { command: 'no-such-program-plugd' }, actions: ['py'] }, { FIXTURE_ACTIONS: 'py' }),
        composePlugin('flagged', { when: { env: 'PLUGD_TEST_COMPOSE_FLAG' }, actions: ['flag'] }, { FIXTURE_ACTIONS: 'flag' }),
      ],
    };
    h = new ComposeHarness(raw);
    await h.supervisor.start();
    expect(h.status('py')).toMatchObject({ state: 'disabled', reason: expect.stringContaining('"no-such-program-plugd" is not on PATH') });
    const refused = await h.run('py');
    expect(errorId(refused)).toBe('PLUGIN_UNAVAILABLE');
    expect(refused.content).toContain('no-such-program-plugd');
    expect(h.status('flagged')).toMatchObject({ state: 'disabled', reason: expect.stringContaining('PLUGD_TEST_COMPOSE_FLAG is not set') });
    expect(h.events('spawn')).toHaveLength(0);

    process.env['PLUGD_TEST_COMPOSE_FLAG'] = '1';
    try {
      const result = await h.supervisor.reloadConfig(configOf(raw));
      expect(result.unchanged).toEqual(['py', 'flagged']);
      expect(h.status('flagged').state).toBe('ready');
      expect(await h.run('flag', { text: 'on' })).toMatchObject({ content: 'flagged:on' });
      expect(h.status('py').state).toBe('disabled');
    } finally {
      delete process.env['PLUGD_TEST_COMPOSE_FLAG'];
    }
  });
});
