import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';

/** Entry file names that say nothing about the plugin ("index.js"): its package or folder names it. */
const GENERIC_STEMS = new Set(['index', 'main', 'plugin', 'server', 'cli', 'app', '__main__', 'run', 'start']);
/** Build and source folders: the plugin's own folder is the one above. */
const BUILD_DIRS = new Set(['dist', 'build', 'lib', 'out', 'src', 'bin', 'target', 'release']);

/**
 * A valid plugin name (letters, digits, "-", "_") for a `--plugin` command, so that
 * `node ./dist/index.js` gets a name: the entry file's stem unless it is generic, else
 * the `name` of the plugin's package.json, else its folder name (build folders skipped).
 */
export function pluginNameFor(words: readonly string[], cwd: string): string {
  const entryWord = [...words.slice(1)].reverse().find((w) => !w.startsWith('-')) ?? words[0] ?? '';
  const entry = resolve(cwd, entryWord);
  const stem = basename(entry, extname(entry));
  if (stem && !GENERIC_STEMS.has(stem.toLowerCase())) {
    const fromStem = sanitize(stem);
    if (fromStem) return fromStem;
  }
  let dir = dirname(entry);
  const dirs = [dir];
  if (BUILD_DIRS.has(basename(dir).toLowerCase())) dirs.push((dir = dirname(dir)));
  for (const d of dirs) {
    const name = sanitize(packageName(d)?.replace(/^@[^/]+\//, '') ?? '');
    if (name) return name;
  }
  return sanitize(basename(dir)) || 'plugin';
}

function packageName(dir: string): string | undefined {
  const file = resolve(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Invalid characters become "-"; leading ones go (a name starts with a letter or digit). */
function sanitize(text: string): string {
  return text
    .replace(/[^a-z0-9_-]+/gi, '-')
    .replace(/^[^a-z0-9]+/i, '')
    .replace(/-+$/, '')
    .slice(0, 64);
}
