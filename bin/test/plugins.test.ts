/** `plugd plugins`: the built-ins and the plugin packages a config would find by name. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from '@jest/globals';
import { runPlugd, tempDir } from '../../test/helpers/plugd-process.js';
import { installPluginPackages } from '../../test/helpers/plugin-packages.js';

const tmp = tempDir('plugd-plugins-');
afterAll(() => tmp.remove());

it('lists built-ins, installed packages with the config entry to use, and why a broken one is not usable', async () => {
  const { project } = installPluginPackages(tmp.dir);
  const config = join(project, 'plugd.json');
  writeFileSync(config, JSON.stringify({ plugins: [{ name: 'foo' }] }));
  const listed = await runPlugd(['plugins', '-c', config]);
  expect(listed.code).toBe(0);
  const lines = listed.stdout.split('\n');
  expect(lines[0]).toMatch(/^NAME\s+FROM\s+ACTIONS\s+IN plugd\.json$/);
  expect(lines).toContainEqual(expect.stringMatching(/^shell\s+built-in\s+run\s+\{"name":"shell"\}$/));
  expect(lines).toContainEqual(expect.stringMatching(/^foo\s+plugd-plugin-foo@1\.2\.0\s+py_echo\s+\{"name":"foo"\}$/));
  expect(lines).toContainEqual(expect.stringMatching(/^bar\s+@acme\/plugd-plugin-bar@1\.2\.0\s+py_echo\s+\{"name":"bar","package":"@acme\/plugd-plugin-bar"\}$/));
  expect(lines).toContainEqual(expect.stringMatching(/^nofield\s+plugd-plugin-nofield\s+-\s+NOT USABLE/));
  expect(listed.stdout).toMatch(/plugd-plugin-nofield: .*has no "plugd" field/);
  expect(listed.stdout).not.toContain('left-pad');

  // The same config runs the discovered plugin.
  const ran = await runPlugd(['exec', '-c', config, '{"action":"py_echo","args":{"text":"by name"}}']);
  expect(ran.code).toBe(0);
  expect(JSON.parse(ran.stdout)).toEqual({ observation: 'py_echo', content: 'BY NAME', extras: {} });
}, 60_000);
