import type { SupervisorConfig } from '../config/types.js';
import { Redactor } from '../trace/redact.js';

/**
 * The secret values plugd knows of, to scrub from free text: the API key, every plugin
 * `env` value whose name contains a `redact` key (GITHUB_TOKEN, DB_PASSWORD), and every
 * string under a `redact` key in a plugin's `config`.
 */
export function secretValues(config: Pick<SupervisorConfig, 'server' | 'redact' | 'plugins'>): string[] {
  const keys = new Redactor(config.redact);
  const found: string[] = [];
  if (config.server.apiKey) found.push(config.server.apiKey);
  for (const plugin of config.plugins) {
    for (const [name, value] of Object.entries(plugin.env)) if (keys.namesSecret(name)) found.push(value);
    collect(plugin.config, keys, found, 0);
  }
  return found;
}

function collect(value: unknown, keys: Redactor, found: string[], depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 32) return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (keys.isSecret(key) && typeof item === 'string') found.push(item);
    else collect(item, keys, found, depth + 1);
  }
}

/** The Redactor for a supervisor: secret keys and the secret values of this config. */
export function redactorFor(config: Pick<SupervisorConfig, 'server' | 'redact' | 'plugins'>): Redactor {
  return new Redactor(config.redact, secretValues(config));
}
