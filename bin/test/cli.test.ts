/** The `plugd` command as a user runs it: exit codes, one-line errors, --help. */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECHO_ENTRY, FIXTURES, http, stopAllPlugd, runPlugd, startPlugd, tempDir } from '../../test/helpers/plugd-process.js';
import { EVERYTHING } from '../../test/helpers/mcp-servers.js';

const tmp = tempDir();
afterEach(() => stopAllPlugd());
afterAll(() => tmp.remove());

const oneLine = (text: string) => text.trimEnd().split('\n');

describe('plugd --help', () => {
  it.each([[[]], [['start']], [['exec']], [['status']], [['reload']]])('plugd %j --help exits 0 with usage', async (command) => {
    const run = await runPlugd([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: plugd/);
    expect(run.stderr).toBe('');
  });
});

describe('plugd usage errors: one line, exit 2', () => {
  it.each([
    [['start', '--bogus'], /Unknown option '--bogus'.*see 'plugd start --help'/],
    [['exec', '--nope', '{}'], /Unknown option '--nope'.*see 'plugd exec --help'/],
    [['start', '--port', 'abc'], /--port must be a port number/],
    [['start', '--trace', 'loud'], /--trace must be one of off, messages, verbose/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['exec', '{not json'], /the action is not JSON/],
    [['exec', '--plugin', 'no-such-program-xyz', '{"action":"x"}'], /plugins\[0\]\.command\[0\]: cannot find the program "no-such-program-xyz"/],
  ])('plugd %j', async (args, message) => {
    const run = await runPlugd(args);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^plugd: /);
    expect(run.stderr).toMatch(message);
  });

  it('plugd start -c bad.json prints one line naming the file, path and fix', async () => {
    const bad = tmp.write('bad.json', { plugins: [{ name: 'echo', restart: { maxDelayMs: 'x' } }], server: { port: 'x' } });
    const run = await runPlugd(['start', '-c', bad, '--port', '0']);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(bad);
    expect(run.stderr).toMatch(/plugins\[0\]\.restart\.maxDelayMs: maxDelayMs must be a number of milliseconds/);
    expect(run.stderr).toMatch(/server\.port: expected number, got string; e\.g\. "port": 8765/);
  });

  it('plugd start -c a missing file says so, exit 2', async () => {
    const run = await runPlugd(['start', '-c', tmp.path('missing.json'), '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read the config file \(ENOENT\); check the path given to -c/);
  });
});

describe('two plugins claiming one action type', () => {
  const claims = (routes?: Record<string, string>) => ({
    ...(routes ? { routes } : {}),
    plugins: [
      { name: 'echo' },
      { name: 'other', command: ['node', `${FIXTURES}/behave.mjs`], env: { FIXTURE_ACTIONS: 'echo,version', FIXTURE_VERSION: 'other' } },
    ],
  });

  it('without a routes override: plugd start exits 2 naming both plugins', async () => {
    const config = tmp.write('conflict.json', claims());
    const run = await runPlugd(['start', '-c', config, '--port', '0', '--log-level', 'silent']);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/route conflict: action type "echo"/);
    expect(run.stderr).toContain('"echo"');
    expect(run.stderr).toContain('"other"');
    expect(run.stderr).toMatch(/"routes": \{"echo"/);
  });

  it('with a routes override: it starts and routes the type to the named plugin', async () => {
    const config = tmp.write('settled.json', claims({ echo: 'other' }));
    const plugd = await startPlugd(['--port', '0', '-c', config, '--log-level', 'info']);
    await plugd.ready();
    const plugins = await http(plugd.url, '/plugins');
    expect(plugins.body.routes).toEqual({ echo: 'other', version: 'other' });
    const answer = await http(plugd.url, '/execute_action', { body: { action: { action: 'echo', args: { text: 'routed' } } } });
    expect(answer.body).toEqual({ observation: 'echo', content: 'routed', extras: {} });
    expect(await plugd.stop()).toEqual({ code: 0, signal: null });
  });
});

describe('plugd exec', () => {
  it('prints the Observation as JSON and exits 0', async () => {
    const config = tmp.write('echo.json', { plugins: [{ name: 'echo' }] });
    const run = await runPlugd(['exec', '-c', config, '{"action":"echo","args":{"text":"hi from exec"}}']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ observation: 'echo', content: 'hi from exec', extras: {} });
  });

  it('exits 1 on an error Observation', async () => {
    const config = tmp.write('echo.json', { plugins: [{ name: 'echo' }] });
    const run = await runPlugd(['exec', '-c', config, '{"action":"nothing_handles_this","args":{}}']);
    expect(run.code).toBe(1);
    const observation = JSON.parse(run.stdout);
    expect(observation.extras).toEqual({ error_id: 'NO_PLUGIN_FOR_ACTION' });
    expect(observation.content).toMatch(/Handled types: echo/);
  });

  it('runs a plugin given with --plugin "node <path>"', async () => {
    const run = await runPlugd(['exec', '--plugin', `node ${ECHO_ENTRY}`, '{"action":"echo","args":{"text":"via --plugin"}}']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ observation: 'echo', content: 'via --plugin', extras: {} });
  });

  it("runs the help text's own --plugin example, and `node ./dist/index.js` from the plugin's folder", async () => {
    const dist = tmp.path('my-tool/dist');
    mkdirSync(dist, { recursive: true });
    copyFileSync(join(ECHO_ENTRY, '..', 'plugin.mjs'), join(dist, 'index.js'));
    writeFileSync(tmp.path('my-tool/package.json'), '{"type": "module"}');
    const action = '{"action":"echo","args":{"text":"example"}}';
    const fromHelp = await runPlugd(['exec', '--plugin', 'node ./my-tool/dist/index.js', action], { cwd: tmp.dir });
    expect(fromHelp.stderr).toBe('');
    expect(JSON.parse(fromHelp.stdout)).toEqual({ observation: 'echo', content: 'example', extras: {} });
    const inFolder = await runPlugd(['exec', '--plugin', 'node ./dist/index.js', action], { cwd: tmp.path('my-tool') });
    expect(inFolder.stderr).toBe('');
    expect(inFolder.code).toBe(0);
  });

  it('runs a stdio MCP server given with --mcp and answers call_tool_mcp with an mcp Observation', async () => {
    const run = await runPlugd(['exec', '--mcp', EVERYTHING.join(' '), '{"action":"call_tool_mcp","args":{"name":"get-sum","arguments":{"a":2,"b":3}}}']);
    expect(run.code).toBe(0);
    const observation = JSON.parse(run.stdout);
    expect(observation).toMatchObject({ observation: 'mcp', extras: { name: 'get-sum', arguments: { a: 2, b: 3 } } });
    expect(JSON.parse(observation.content).content[0].text).toContain('5');
  });

  it('runs a Python plugin written without the SDK via --plugin', async () => {
    const run = await runPlugd(['exec', '--plugin', `python3 ${FIXTURES}/hand-written.py`, '{"action":"py_echo","args":{"text":"snake"}}']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ observation: 'py_echo', content: 'SNAKE', extras: {} });
  });
});
