import { readdirSync, statSync } from 'node:fs';
import { BUILTIN_PLUGINS } from '@plugd/supervisor';
import { UsageError } from '../usage-error.js';

/** A plugin name that is also a good npm package suffix, Python-safe and shell-safe. */
const NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$|^[a-z]$/;

export function checkPluginName(name: string): void {
  if (!NAME.test(name) || name.includes('--')) {
    throw new UsageError(`plugin name "${name}" is not usable; use lowercase letters, digits and single "-" (starting with a letter, up to 50 characters), e.g. "word-count"`);
  }
  if ((BUILTIN_PLUGINS as readonly string[]).includes(name)) {
    throw new UsageError(`"${name}" is the name of a built-in plugin (${BUILTIN_PLUGINS.join(', ')}); choose another name, e.g. "my-${name}"`);
  }
}

/** The target folder may be absent or empty; anything else is refused before a byte is written. */
export function checkTargetDir(dir: string): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} exists and is not a folder; choose another --dir`);
    entries = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot use ${dir} (${(error as NodeJS.ErrnoException).code ?? error}); choose another --dir`, { cause: error });
  }
  if (entries.length > 0) throw new UsageError(`${dir} already exists and is not empty; choose another --dir or remove it`);
}
