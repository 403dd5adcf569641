import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkoutRoot } from './checkout-root.js';

/** Built-in plugins, each a standalone executable in plugins/<name>. */
export const BUILTIN_PLUGINS = ['shell', 'files', 'python', 'echo'] as const;
export type BuiltinName = (typeof BUILTIN_PLUGINS)[number];

/** What `plugd start` serves without a config file. */
export const EMBEDDED_DEFAULT_PLUGINS: readonly BuiltinName[] = ['shell', 'files', 'python', 'echo'];

/**
 * The action types each built-in handles, known before it starts: an action for a
 * built-in that failed to start is answered PLUGIN_UNAVAILABLE with the reason,
 * not NO_PLUGIN_FOR_ACTION.
 */
export const BUILTIN_ACTIONS: Readonly<Record<BuiltinName, readonly string[]>> = {
  shell: ['run'],
  files: ['read', 'write', 'edit'],
  python: ['run_ipython'],
  echo: ['echo'],
};

export function isBuiltin(name: string): name is BuiltinName {
  return (BUILTIN_PLUGINS as readonly string[]).includes(name);
}

/** Folder holding the built-in plugin packages (overridable for installs outside the repo). */
export function builtinsDir(): string {
  const fromEnv = process.env['PLUGD_BUILTINS_DIR'];
  if (fromEnv) return resolve(fromEnv);
  return join(checkoutRoot(), 'plugins');
}

/** The bundled plugin (`pnpm build` writes it; it starts fastest), else tsc's output. */
export function builtinEntry(name: BuiltinName): string {
  const bundle = join(builtinsDir(), name, 'dist', 'plugin.mjs');
  return existsSync(bundle) ? bundle : join(builtinsDir(), name, 'dist', 'index.js');
}

export function builtinCommand(name: BuiltinName): string[] {
  return [process.execPath, builtinEntry(name)];
}

