/**
 * Issue 2 end to end: `plugd start` as a real process, its HTTP API, a plugin in
 * Python written without the SDK, a plugin that fails to start, bad HTTP input.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FIXTURES, http, stopAllPlugd, startPlugd, tempDir } from '../helpers/plugd-process.js';
import type { PlugdProcess } from '../helpers/plugd-process.js';

const KEY = 'core-http-test-key';
const auth = { 'X-Session-API-Key': KEY };
const echo = (text: string) => ({ action: { action: 'echo', args: { text } } });

describe('plugd start: HTTP API (echo, a Python plugin without the SDK, one that fails to start)', () => {
  const tmp = tempDir();
  let plugd: PlugdProcess;

  beforeAll(async () => {
    const config = tmp.write('plugd.json', {
      server: { maxBodyBytes: 4096 },
      plugins: [
        { name: 'echo' },
        { name: 'py', command: ['python3', `${FIXTURES}/hand-written.py`] },
        { name: 'crashy', command: ['node', `${FIXTURES}/crash-on-start.mjs`], restart: { maxRestarts: 0 } },
      ],
    });
    plugd = await startPlugd(['--port', '0', '-c', config, '--log-level', 'info'], { env: { SESSION_API_KEY: KEY } });
    await plugd.ready();
  });

  afterAll(async () => {
    await stopAllPlugd();
    tmp.remove();
  });

  it('answers /alive and /server_info without the key', async () => {
    const alive = await http(plugd.url, '/alive');
    expect(alive.status).toBe(200);
    expect(alive.body).toEqual({ status: 'ok' });
    const info = await http(plugd.url, '/server_info');
    expect(info.status).toBe(200);
    expect(typeof info.body.uptime).toBe('number');
    expect(typeof info.body.idle_time).toBe('number');
    expect(info.body.resources.memory.rss).toBeGreaterThan(0);
  });

  it('round-trips an action to the echo plugin', async () => {
    const answer = await http(plugd.url, '/execute_action', { body: echo('hello plugd'), headers: auth });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ observation: 'echo', content: 'hello plugd', extras: {} });
  });

  it('serves a plugin written in Python without the SDK', async () => {
    const answer = await http(plugd.url, '/execute_action', { body: { action: { action: 'py_echo', args: { text: 'from python' } } }, headers: auth });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ observation: 'py_echo', content: 'FROM PYTHON', extras: {} });
  });

  it('lists every plugin in /plugins, the one that failed to start with its error', async () => {
    const answer = await http(plugd.url, '/plugins', { headers: auth });
    expect(answer.status).toBe(200);
    const byName = Object.fromEntries((answer.body.plugins as { name: string }[]).map((p) => [p.name, p])) as Record<string, any>;
    expect(byName['echo']).toMatchObject({ state: 'ready', actions: ['echo'], generation: 1 });
    expect(byName['echo'].pid).toBeGreaterThan(0);
    expect(byName['py']).toMatchObject({ state: 'ready', actions: ['py_echo'], version: '1.0' });
    expect(byName['crashy'].state).toBe('failed');
    expect(byName['crashy'].lastError).toMatch(/exit code 3/);
    expect(answer.body.routes).toEqual({ echo: 'echo', py_echo: 'py' });
  });

  it('refuses a missing or wrong API key with 403, on every route but /alive and /server_info', async () => {
    expect((await http(plugd.url, '/execute_action', { body: echo('x') })).status).toBe(403);
    expect((await http(plugd.url, '/execute_action', { body: echo('x'), headers: { 'X-Session-API-Key': 'wrong' } })).status).toBe(403);
    expect((await http(plugd.url, '/plugins')).status).toBe(403);
    expect((await http(plugd.url, '/alive')).status).toBe(200);
  });

  const bad: [string, string, number, string, RegExp][] = [
    ['not JSON', '{"action": ', 400, 'INVALID_ACTION', /not JSON/],
    ['not an object', '[1, 2]', 400, 'INVALID_ACTION', /expected object/],
    ['an empty body', '', 400, 'INVALID_ACTION', /empty/],
    ['no action', '{"args": {}}', 400, 'INVALID_ACTION', /no "action" key/],
    ['an action without a type', '{"action": {"args": {}}}', 400, 'INVALID_ACTION', /action/],
    ['an unknown action type', '{"action": {"action": "no_such_type", "args": {}}}', 200, 'NO_PLUGIN_FOR_ACTION', /no_such_type.*Handled types: echo, py_echo/],
    ['a body over the limit', JSON.stringify(echo('x'.repeat(10_000))), 413, 'INVALID_ACTION', /over the limit of 4096 bytes/],
  ];
  it.each(bad)('answers %s with an error Observation, then still serves a good action', async (_what, body, status, errorId, message) => {
    const answer = await http(plugd.url, '/execute_action', { body, headers: auth });
    expect(answer.status).toBe(status);
    expect(answer.body.observation).toBe('error');
    expect(answer.body.extras).toEqual({ error_id: errorId });
    expect(answer.body.content).toMatch(message);
    const good = await http(plugd.url, '/execute_action', { body: echo('still here'), headers: auth });
    expect(good.body).toEqual({ observation: 'echo', content: 'still here', extras: {} });
  });

  it('answers an unknown route with 404 and a wrong method with 405', async () => {
    const missing = await http(plugd.url, '/no/such/route', { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toMatch(/no route GET \/no\/such\/route/);
    const wrong = await http(plugd.url, '/execute_action', { method: 'GET', headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('captures the plugins\' stderr in its log (the crash is reported with the plugin name)', () => {
    const crashLines = plugd.logs().filter((l) => l['plugin'] === 'crashy');
    expect(crashLines.length).toBeGreaterThan(0);
    expect(plugd.stderr()).toContain('boom: crash on start');
  });
});
