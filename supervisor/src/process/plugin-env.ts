import { PROTOCOL_ENV } from '@plugd/protocol';
import { identityEnv } from '../security/run-as.js';
import type { RunAs } from '../security/run-as.js';

/** The only variables a plugin inherits: never the supervisor's whole environment (nor its API key). */
export const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'TERM', 'SHELL', 'TMPDIR'] as const;

/** With `runAs`, HOME, USER and LOGNAME are that user's (config `env` still wins). */
export function pluginEnv(extra: Readonly<Record<string, string>>, parent: NodeJS.ProcessEnv = process.env, runAs?: RunAs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = parent[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...(runAs ? identityEnv(runAs) : {}), ...extra, [PROTOCOL_ENV]: '1' };
}
