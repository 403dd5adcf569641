import { basename, relative, sep } from 'node:path';

/** Folders never descended into. */
const IGNORED_DIRS = new Set(['node_modules', '.git', '__pycache__']);

/** Editors' swap, backup and temp files (vim, emacs, JetBrains, VS Code, kate, atomic writers). */
const EDITOR_TEMP: readonly RegExp[] = [
  /\.sw[a-px]$/i, // vim swap: .swp, .swo, .swx
  /~$/, // backups: file~
  /^\.#/, // emacs lock: .#file
  /^#.*#$/, // emacs autosave: #file#
  /^4913$/, // vim's write-permission probe
  /\.(tmp|temp)$/i, // generic temp files of atomic writers
  /___jb_(tmp|old)___$/, // JetBrains safe write
  /\.crswap$/, // Chrome/VS Code File System Access swap
  /\.kate-swp$/,
];

/** True for a file name an editor writes beside the real file while saving. */
export function isEditorTempFile(name: string): boolean {
  return EDITOR_TEMP.some((pattern) => pattern.test(name));
}

/**
 * A chokidar `ignored` function for watches rooted at `roots` (absolute paths).
 * Only the part of a path below its root is judged, so a root inside a dot-folder
 * (~/.config/my-plugin) is still watched; a root itself is never ignored.
 */
export function ignoreFor(roots: readonly string[]): (path: string) => boolean {
  const sorted = [...roots].sort((a, b) => b.length - a.length);
  return (path: string) => {
    const root = sorted.find((r) => path === r || path.startsWith(r.endsWith(sep) ? r : r + sep));
    if (root === undefined || path === root) return false;
    const segments = relative(root, path).split(sep);
    if (segments.some((s) => IGNORED_DIRS.has(s) || s.startsWith('.'))) return true;
    return isEditorTempFile(basename(path));
  };
}
