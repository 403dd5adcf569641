import { existsSync } from 'node:fs';
import type { WhenOptions } from '../config/types.js';
import { findExecutable } from '../config/find-executable.js';

/**
 * What is missing for a plugin's `when` condition, or undefined when it holds.
 * Checked at start and on every config reload (environment detection, like
 * systemd's ConditionPathExists=).
 */
export function unmetCondition(when: WhenOptions | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!when) return undefined;
  const missing: string[] = [];
  if (when.command !== undefined && !findExecutable(when.command, cwd, env['PATH'])) missing.push(`the program "${when.command}" is not on PATH`);
  if (when.path !== undefined && !existsSync(when.path)) missing.push(`the path ${when.path} does not exist`);
  if (when.env !== undefined && !env[when.env]) missing.push(`the environment variable ${when.env} is not set`);
  return missing.length > 0 ? `condition not met: ${missing.join('; ')}` : undefined;
}
