/**
 * A temp folder with installed plugin packages, as `npm install` leaves them, for the
 * discovery tests: `root/node_modules/...` and a config folder `root/project/` below it
 * (so lookup through parent folders is exercised). Each usable package's entry is a copy
 * of the hand-written Python fixture (action `py_echo`).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HAND_WRITTEN = fileURLToPath(new URL('../fixtures/plugins/hand-written.py', import.meta.url));

export function installPluginPackages(root: string): { project: string } {
  const pkg = (name: string, manifest: Record<string, unknown>, entry?: string): void => {
    const dir = join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.2.0', ...manifest }));
    if (entry) copyFileSync(HAND_WRITTEN, join(dir, entry));
  };
  pkg('plugd-plugin-foo', { plugd: { entry: 'plugin.py', actions: ['py_echo'], config: { greeting: 'hi', level: 1 } } }, 'plugin.py');
  pkg('@acme/plugd-plugin-bar', { plugd: { entry: 'bin/bar.py', actions: ['py_echo'] } });
  mkdirSync(join(root, 'node_modules', '@acme', 'plugd-plugin-bar', 'bin'));
  copyFileSync(HAND_WRITTEN, join(root, 'node_modules', '@acme', 'plugd-plugin-bar', 'bin', 'bar.py'));
  pkg('plugd-plugin-nofield', {});
  pkg('plugd-plugin-escape', { plugd: { entry: '../plugd-plugin-foo/plugin.py' } });
  pkg('plugd-plugin-unbuilt', { plugd: { entry: 'dist/index.js' } });
  pkg('left-pad', {});
  const project = join(root, 'project');
  mkdirSync(project);
  return { project };
}
