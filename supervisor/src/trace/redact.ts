export const REDACTED = '[REDACTED]';

/**
 * Deep-copies `value` with the value under every key in `keys` (compared case-insensitively,
 * ignoring "-" and "_": `api_key`, `apiKey`, `API-KEY` are one key) replaced by "[REDACTED]".
 * Used for trace params/results and for the `data` of plugin log entries.
 */
export class Redactor {
  private readonly keys: Set<string>;

  constructor(keys: readonly string[]) {
    this.keys = new Set(keys.map(normalizeKey));
  }

  isSecret(key: string): boolean {
    return this.keys.has(normalizeKey(key));
  }

  redact<T>(value: T): T {
    if (this.keys.size === 0) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (depth > 64) return '[DEPTH]';
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] = this.isSecret(key) && item !== undefined && item !== null ? REDACTED : this.walk(item, depth + 1);
    }
    return out;
  }
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}
