/**
 * A copy of the bundled built-ins in a world-readable temp folder (set PLUGD_BUILTINS_DIR
 * to `dir`): a plugin run as another user must be able to reach its own files, and a
 * fresh clone may sit under a folder only root can enter (e.g. /root).
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './plugd-process.js';

export function copyBuiltins(names: readonly string[]): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'plugd-builtins-'));
  chmodSync(root, 0o755);
  for (const name of names) {
    mkdirSync(join(root, name, 'dist'), { recursive: true, mode: 0o755 });
    copyFileSync(join(REPO, 'plugins', name, 'dist', 'plugin.mjs'), join(root, name, 'dist', 'plugin.mjs'));
    chmodSync(join(root, name, 'dist', 'plugin.mjs'), 0o644);
    if (name === 'python') {
      mkdirSync(join(root, name, 'kernel'), { mode: 0o755 });
      copyFileSync(join(REPO, 'plugins', 'python', 'kernel', 'driver.py'), join(root, name, 'kernel', 'driver.py'));
      chmodSync(join(root, name, 'kernel', 'driver.py'), 0o644);
    }
  }
  return { dir: root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
