import type { z } from 'zod';
import { PlugdError } from '../errors.js';
import { exampleFor } from './config-hints.js';

export interface ConfigProblem {
  /** JSON path, e.g. `plugins[1].restart.maxDelayMs`. */
  readonly path: string;
  readonly message: string;
}

/** A config that cannot be used: names the file, the JSON path and what was expected. */
export class ConfigError extends PlugdError {
  readonly source: string;
  readonly problems: readonly ConfigProblem[];

  constructor(source: string, problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super('CONFIG_INVALID', problems.map((p) => `${source}: ${p.path || '(top level)'}: ${p.message}`).join('\n'), options);
    this.name = 'ConfigError';
    this.source = source;
    this.problems = problems;
  }
}

export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function problemsFromZod(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    let message = issue.message.replace(/^Invalid input: expected (\w+), received (\w+)$/, 'expected $1, got $2');
    if (issue.code === 'unrecognized_keys') {
      message = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove them or check the spelling`;
    } else {
      const example = exampleFor(issue.path);
      if (example && !message.includes('e.g.')) message += `; e.g. ${example}`;
    }
    return { path: jsonPath(issue.path), message };
  });
}
