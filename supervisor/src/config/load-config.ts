import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EMBEDDED_DEFAULT_PLUGINS } from './builtins.js';
import { ConfigError } from './config-error.js';
import { jsonErrorOffset, lineColumn } from './json-error-offset.js';
import { parseConfig } from './parse-config.js';
import type { ParseConfigOptions } from './parse-config.js';
import type { SupervisorConfig } from './types.js';

export const DEFAULT_CONFIG_FILE = 'plugd.json';

/** Reads and validates a plugd.json; JSON syntax errors name the line and column. */
export function loadConfigFile(path: string, options: Pick<ParseConfigOptions, 'requirePrograms'> = {}): SupervisorConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the config file (${(error as NodeJS.ErrnoException).code ?? error}); check the path given to -c` }], { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: `not valid JSON at ${describeJsonError(text, error)}` }], { cause: error });
  }
  return parseConfig(raw, { ...options, source: path, baseDir: dirname(file) });
}

/** The built-in plugins, no file needed. */
export function embeddedDefaultConfig(baseDir = process.cwd()): SupervisorConfig {
  return parseConfig({ plugins: EMBEDDED_DEFAULT_PLUGINS.map((name) => ({ name })) }, { source: 'embedded default', baseDir });
}

/** `-c FILE` if given, else ./plugd.json if present, else the embedded default. */
export function resolveConfig(path: string | undefined, cwd = process.cwd(), options: Pick<ParseConfigOptions, 'requirePrograms'> = {}): SupervisorConfig {
  if (path) return loadConfigFile(path, options);
  const local = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(local) ? loadConfigFile(local, options) : embeddedDefaultConfig(cwd);
}

function describeJsonError(text: string, error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/, (\.\.\.)?".*$/s, '').replace(/ (in JSON )?at position \d+.*$/s, '');
  const offset = jsonErrorOffset(text) ?? text.length;
  const { line, column } = lineColumn(text, offset);
  const near = JSON.stringify(text.slice(offset, offset + 20).split('\n')[0]);
  return `line ${line}, column ${column}: ${reason || 'syntax error'}${offset < text.length ? ` near ${near}` : ''}; fix the JSON syntax there (a trailing comma, a missing quote or comma?)`;
}
