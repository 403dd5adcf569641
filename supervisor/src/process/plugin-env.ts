import { PROTOCOL_ENV } from '@plugd/protocol';

/** The only variables a plugin inherits: never the supervisor's whole environment (nor its API key). */
export const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'TERM', 'SHELL', 'TMPDIR'] as const;

export function pluginEnv(extra: Readonly<Record<string, string>>, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = parent[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra, [PROTOCOL_ENV]: '1' };
}
