import type { SupervisorConfig } from '../config/types.js';
import { accessProblem } from './path-access.js';

/**
 * Plugins whose user can read the config file that holds `server.apiKey`: that plugin
 * can read the key. One warning per plugin; empty when the file is closed to them.
 */
export function apiKeyExposure(config: Pick<SupervisorConfig, 'server' | 'plugins'>, configFile: string | undefined): string[] {
  if (!configFile || !config.server.apiKey) return [];
  return config.plugins
    .filter((p) => p.runAs && accessProblem(configFile, p.runAs, 'read') === undefined)
    .map((p) => `plugin ${p.name} runs as ${p.runAs!.user}, who can read ${configFile}, which holds server.apiKey: chmod 600 it, or give the key in SESSION_API_KEY instead`);
}
