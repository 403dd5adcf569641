/** Every broken config names the file, the JSON path and how to fix it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfigFile } from '@plugd/supervisor';

const dir = mkdtempSync(join(tmpdir(), 'plugd-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(content: unknown): string {
  const file = join(dir, `plugd-${++n}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function configError(file: string): ConfigError {
  try {
    loadConfigFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`${file} loaded without an error`);
}

const node = (script: string) => ['node', script];

// [what, config, JSON path, what the message says (the fix included)]
const broken: [string, unknown, string, RegExp][] = [
  ['not JSON (trailing comma)', '{\n  "plugins": [\n    {"name": "echo"},\n  ]\n}\n', '', /not valid JSON at line 4, column 3: .*fix the JSON syntax/],
  ['not JSON (unquoted value)', '{"plugins": [\n  {"name": echo}]}', '', /not valid JSON at line 2, column 12/],
  ['an empty file', '', '', /not valid JSON at line 1, column 1: Unexpected end of JSON input/],
  ['plugins not an array', { plugins: { echo: {} } }, 'plugins', /expected array, got object; e\.g\. "plugins": \[\{"name": "echo"\}/],
  ['no plugins', {}, 'plugins', /expected array, got undefined; e\.g\. "plugins": \[/],
  ['an unknown top-level key', { plugins: [], plugin: [] }, '', /unknown key\(s\) "plugin"; remove them or check the spelling/],
  ['an unknown key in a plugin', { plugins: [{ name: 'echo', comand: ['x'] }] }, 'plugins[0]', /unknown key\(s\) "comand"/],
  ['a wrong type deep inside', { plugins: [{ name: 'echo' }, { name: 'tool', command: node('x.js'), restart: { maxDelayMs: 'x' } }] }, 'plugins[1].restart.maxDelayMs', /must be a number of milliseconds; e\.g\. "maxDelayMs": 1000/],
  ['a port out of range', { server: { port: 70000 }, plugins: [] }, 'server.port', /65535.*e\.g\. "port": 8765/],
  ['a bad trace level', { trace: 'loud', plugins: [] }, 'trace', /e\.g\. "trace": "off"/],
  ['an unknown built-in name', { plugins: [{ name: 'shel' }] }, 'plugins[0].name', /unknown built-in plugin "shel"; built-ins are shell, files, python, echo\. To run your own plugin give "command"/],
  ['a duplicate name', { plugins: [{ name: 'echo' }, { name: 'echo' }] }, 'plugins[1].name', /duplicate plugin name "echo"; every plugin needs its own name/],
  ['a route to an unconfigured plugin', { routes: { read: 'files' }, plugins: [{ name: 'echo' }] }, 'routes.read', /plugin "files", which is not configured; use one of: echo/],
  ['an empty command', { plugins: [{ name: 'tool', command: [] }] }, 'plugins[0].command', /command is \[executable, \.\.\.args\], e\.g\. \["node", "\.\/dist\/index\.js"\]/],
  ['a command given as a string', { plugins: [{ name: 'tool', command: 'node x.js' }] }, 'plugins[0].command', /expected array, got string; e\.g\. "command": \["node"/],
  ['a command whose program does not exist', { plugins: [{ name: 'tool', command: ['/no/such/program', 'x'] }] }, 'plugins[0].command[0]', /cannot find the program "\/no\/such\/program" \(no executable file there\)/],
  ['a command whose program is not on PATH', { plugins: [{ name: 'tool', command: ['no-such-program-xyz'] }] }, 'plugins[0].command[0]', /"no-such-program-xyz" \(not on PATH\); give a program on PATH or a path to an executable/],
  ['a timeout past what a Node timer can wait', { plugins: [{ name: 'echo', timeouts: { actionMs: 2 ** 31 } }] }, 'plugins[0].timeouts.actionMs', /actionMs is 2147483648 ms, over the maximum of 2147483647 ms \(about 24\.8 days/],
  ['a default restart delay past the timer limit', { defaults: { restart: { maxDelayMs: 1e12 } }, plugins: [] }, 'defaults.restart.maxDelayMs', /maxDelayMs is 1000000000000 ms, over the maximum of 2147483647 ms/],
  ['a debounce past the timer limit', { watchDebounceMs: 3e9, plugins: [] }, 'watchDebounceMs', /watchDebounceMs is 3000000000 ms, over the maximum/],
  ['a negative delay', { plugins: [{ name: 'echo', restart: { initialDelayMs: -5 } }] }, 'plugins[0].restart.initialDelayMs', /initialDelayMs is -5 ms; it must be at least 0 ms/],
  ['a bad plugin name', { plugins: [{ name: 'my tool', command: node('x.js') }] }, 'plugins[0].name', /letters, digits, "-" and "_"/],
];

describe('config errors', () => {
  it.each(broken)('%s: names the file, the JSON path and the fix', (_what, content, path, message) => {
    const file = write(content);
    const error = configError(file);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.source).toBe(file);
    expect(error.problems.map((p) => p.path)).toContain(path);
    const problem = error.problems.find((p) => p.path === path)!;
    expect(problem.message).toMatch(message);
    expect(error.message).toContain(`${file}: ${path || '(top level)'}: `);
  });

  it('reports every problem of a file, each with its own path', () => {
    const error = configError(write({ routes: { x: 'nope' }, plugins: [{ name: 'echo' }, { name: 'echo' }, { name: 'zzz' }] }));
    expect(error.problems.map((p) => p.path).sort()).toEqual(['plugins[1].name', 'plugins[2].name', 'routes.x']);
    expect(error.message.split('\n')).toHaveLength(3);
  });

  it('accepts a good config, with relative paths resolved against its folder', () => {
    const file = write({ $schema: './plugd.schema.json', routes: { echo: 'echo' }, plugins: [{ name: 'echo' }, { name: 'tool', command: ['node', './tool.js'], env: { A: '1' } }] });
    const config = loadConfigFile(file);
    expect(config.plugins.map((p) => p.name)).toEqual(['echo', 'tool']);
    expect(config.plugins[1]!.command).toEqual([process.execPath, join(dir, 'tool.js')]);
    expect(config.plugins[1]!.env).toEqual({ A: '1' });
  });
});
