/** Discovery by name: {"name": "foo"} that is not a built-in runs the installed plugd-plugin-foo package. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, listInstalledPlugins, parseConfig, Supervisor } from '../src/index.js';
import { installPluginPackages } from '../../test/helpers/plugin-packages.js';

const root = mkdtempSync(join(tmpdir(), 'plugd-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const { project } = installPluginPackages(root);
const modules = join(root, 'node_modules');

const parse = (plugins: unknown[]) => parseConfig({ plugins }, { source: 'plugd.json', baseDir: project });
const problem = (plugins: unknown[]): string => {
  try {
    parse(plugins);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('a name that is not a built-in', () => {
  it('resolves plugd-plugin-<name> from node_modules of a parent folder, with its declared actions and default config', () => {
    const [foo] = parse([{ name: 'foo', config: { level: 2 } }]).plugins;
    expect(foo!.command).toEqual(['python3', join(modules, 'plugd-plugin-foo', 'plugin.py')]);
    expect(foo!.declaredActions).toEqual(['py_echo']);
    expect(foo!.config).toEqual({ greeting: 'hi', level: 2 });
    expect(foo!.builtin).toBe(false);
  });

  it('resolves a scoped package named by "package"', () => {
    const [bar] = parse([{ name: 'bar', package: '@acme/plugd-plugin-bar' }]).plugins;
    expect(bar!.command).toEqual(['python3', join(modules, '@acme', 'plugd-plugin-bar', 'bin', 'bar.py')]);
  });

  it('that resolves to nothing is an error saying what was looked for and where', () => {
    const message = problem([{ name: 'nope' }]);
    expect(message).toContain('plugd.json: plugins[0].name: unknown built-in plugin "nope"; built-ins are shell, files, python, echo');
    expect(message).toContain('npm install plugd-plugin-nope next to the config file');
    expect(message).toContain(`it is not in ${join(project, 'node_modules')}, ${modules}, `);
    expect(problem([{ name: 'x', package: '@acme/plugd-plugin-x' }])).toContain('plugins[0].package: plugin package "@acme/plugd-plugin-x" is not installed');
  });

  it.each([
    ['nofield', /plugd-plugin-nofield \(.*\) is not a plugd plugin package: its package.json has no "plugd" field, e.g. "plugd": \{"entry"/],
    ['escape', /plugd\.entry "\.\.\/plugd-plugin-foo\/plugin\.py" must be a file inside the package/],
    ['unbuilt', /plugd-plugin-unbuilt's entry .*dist\/index\.js does not exist .*was the package built/],
  ])('a package that cannot run (%s) is refused with the reason', (name, reason) => {
    expect(problem([{ name }])).toMatch(reason);
  });

  it.each([['../../etc'], ['@acme/../../x'], ['Foo Bar']])('"package": %j is not a package name', (pkg) => {
    expect(problem([{ name: 'x', package: pkg }])).toMatch(/is not an npm package name/);
  });

  it('"command" and "package" together are refused', () => {
    expect(problem([{ name: 'x', package: 'plugd-plugin-foo', command: ['true'] }])).toMatch(/give either "command" or "package", not both/);
  });
});

describe('installed plugins', () => {
  it('lists every plugd-plugin-* package, usable or not, and nothing else', () => {
    const listed = listInstalledPlugins(project).map((p) => [p.packageName, p.name, 'found' in p.discovery]);
    expect(listed).toEqual([
      ['@acme/plugd-plugin-bar', 'bar', true],
      ['plugd-plugin-escape', 'escape', false],
      ['plugd-plugin-foo', 'foo', true],
      ['plugd-plugin-nofield', 'nofield', false],
      ['plugd-plugin-unbuilt', 'unbuilt', false],
    ]);
  });

  it('a discovered plugin runs under a real Supervisor', async () => {
    const supervisor = new Supervisor(parse([{ name: 'foo' }]));
    try {
      await supervisor.start();
      expect(await supervisor.execute({ action: 'py_echo', args: { text: 'found' } })).toEqual({ observation: 'py_echo', content: 'FOUND', extras: {} });
    } finally {
      await supervisor.stop();
    }
  });
});
