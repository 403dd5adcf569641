import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { describeFsError, FileError, invalidParameter } from './errors.js';

/** The editor wants absolute paths, as OpenHands' editor does. */
export function requireAbsolute(path: string, cwd: string): string {
  if (!isAbsolute(path)) {
    const suggested = resolve(cwd, path);
    const maybe = existsSync(suggested) ? ` Maybe you meant ${suggested}?` : '';
    throw invalidParameter('path', path, `The path should be an absolute path, starting with \`/\`.${maybe}`);
  }
  return resolve(path);
}

/** stat, or undefined when nothing is there; other failures (EACCES, ...) are FileErrors. */
export async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new FileError(describeFsError(error, path));
  }
}

export async function requireExisting(path: string): Promise<Stats> {
  const info = await statOrUndefined(path);
  if (!info) throw invalidParameter('path', path, `The path ${path} does not exist. Please provide a valid path.`);
  return info;
}

export async function requireFile(path: string, command: string): Promise<Stats> {
  const info = await requireExisting(path);
  if (info.isDirectory()) {
    void command;
    throw invalidParameter('path', path, `The path ${path} is a directory and only the \`view\` command can be used on directories.`);
  }
  return info;
}
