/**
 * A copy of the bundled built-ins in a world-readable temp folder (set PLUGD_BUILTINS_DIR
 * to `dir`): a plugin run as another user must be able to reach its own files, and a
 * fresh clone may sit under a folder only root can enter (e.g. /root).
 */
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO } from './plugd-process.js';

export function copyBuiltins(names: readonly string[]): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'plugd-builtins-'));
  chmodSync(root, 0o755);
  for (const name of names) {
    mkdirSync(join(root, name, 'dist'), { recursive: true, mode: 0o755 });
    copyFileSync(join(REPO, 'plugins', name, 'dist', 'plugin.mjs'), join(root, name, 'dist', 'plugin.mjs'));
    if (name === 'python') cpSync(join(REPO, 'plugins', 'python', 'kernel'), join(root, name, 'kernel'), { recursive: true });
    if (name === 'shell') {
      // The terminal library stays outside the bundle (a native addon): it and its
      // prebuilt platform package sit beside the bundle, as Node resolves them.
      const pty = realpathSync(join(REPO, 'plugins', 'shell', 'node_modules', '@lydell', 'node-pty'));
      for (const pkg of readdirSync(dirname(pty))) {
        cpSync(join(dirname(pty), pkg), join(root, name, 'node_modules', '@lydell', pkg), { recursive: true, dereference: true });
      }
    }
  }
  openUp(root);
  return { dir: root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Folders 0755, files 0644 (0755 when executable): readable by any user. */
function openUp(path: string): void {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(entry.parentPath ?? path, entry.name);
    if (entry.isDirectory()) {
      chmodSync(full, 0o755);
      openUp(full);
    } else if (entry.isFile()) {
      chmodSync(full, /\.node$/.test(entry.name) ? 0o755 : 0o644);
    }
  }
}
