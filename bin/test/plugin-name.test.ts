import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginNameFor } from '../src/plugin-name.js';
import { splitCommand } from '../src/split-command.js';

const root = mkdtempSync(join(tmpdir(), 'plugd-name-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'my-tool', 'dist'), { recursive: true });
mkdirSync(join(root, 'pkg', 'dist'), { recursive: true });
writeFileSync(join(root, 'pkg', 'package.json'), JSON.stringify({ name: '@acme/Great Tool!' }));

describe('pluginNameFor', () => {
  it.each([
    ['node ./my-tool/dist/index.js', root, 'my-tool'],
    ['node ./dist/index.js', join(root, 'my-tool'), 'my-tool'],
    ['node ./dist/index.js', join(root, 'pkg'), 'Great-Tool'],
    ['node --enable-source-maps ./pkg/dist/main.mjs', root, 'Great-Tool'],
    ['node ./tools/weather.js', root, 'weather'],
    ['python3 -u "./.hidden tool.py"', root, 'hidden-tool'],
    ['./my-plugin', root, 'my-plugin'],
    ['node index.js', '/', 'plugin'],
  ])('%s (in %s) is named %s', (command, cwd, name) => {
    expect(pluginNameFor(splitCommand(command), cwd)).toBe(name);
  });

  it('always gives a name plugd accepts', () => {
    for (const command of ['node ./ä/dist/index.js', 'node ./---/index.js', 'x', 'node ./_x/index.js']) {
      expect(pluginNameFor(splitCommand(command), root)).toMatch(/^[a-z0-9][a-z0-9_-]*$/i);
    }
  });
});

describe('splitCommand', () => {
  it('splits on blanks and honours quotes and backslashes', () => {
    expect(splitCommand(`  python3 'my tool.py' "a \\"b\\"" c\\ d  `)).toEqual(['python3', 'my tool.py', 'a "b"', 'c d']);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitCommand(`node 'x.js`)).toThrow(/unclosed ' quote/);
  });
});
