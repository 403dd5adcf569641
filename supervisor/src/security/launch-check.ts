import { isAbsolute } from 'node:path';
import type { PluginOptions } from '../config/types.js';
import { integrityMismatch } from './integrity.js';
import { accessProblem } from './path-access.js';

/**
 * Why this plugin must not be spawned now, or undefined: a pinned file whose digest
 * changed, or a file or folder the plugin's user cannot reach (a clear message naming
 * it, rather than a start that dies with EACCES in some loader).
 */
export function launchRefusal(options: Pick<PluginOptions, 'command' | 'cwd' | 'entry' | 'runAs' | 'sha256'>): string | undefined {
  const mismatch = integrityMismatch(options.sha256);
  if (mismatch) return mismatch;
  const who = options.runAs;
  if (!who) return undefined;
  const program = options.command[0];
  const problem =
    (program && isAbsolute(program) ? accessProblem(program, who, 'execute') : undefined) ??
    (options.entry ? accessProblem(options.entry, who, 'read') : undefined);
  if (problem) return `cannot start as user ${who.user}: ${problem}`;
  const cwd = accessProblem(options.cwd, who, 'search');
  return cwd ? `cannot start as user ${who.user} in working folder ${options.cwd}: ${cwd}; or set "cwd" in the plugin's entry to a folder that user can enter` : undefined;
}
