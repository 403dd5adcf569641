export const REDACTED = '[REDACTED]';

/** Shorter values are not scrubbed from free text: "abc" would mangle every log line that contains it. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Deep-copies `value` with the value under every key in `keys` (compared case-insensitively,
 * ignoring "-" and "_": `api_key`, `apiKey`, `API-KEY` are one key) replaced by "[REDACTED]",
 * and every configured secret value (the API key, secret-named env and config values)
 * replaced wherever it appears inside a string. Used for trace params/results, the `data`
 * of plugin log entries, and (`scrub`) free text: stderr lines, crash reports, log messages.
 */
export class Redactor {
  private readonly keys: Set<string>;
  /** Longest first, so a secret that contains another is replaced whole. */
  private values: readonly string[];

  constructor(keys: readonly string[], secretValues: Iterable<string> = []) {
    this.keys = new Set(keys.map(normalizeKey));
    this.values = [...new Set(secretValues)].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  isSecret(key: string): boolean {
    return this.keys.has(normalizeKey(key));
  }

  /** True when `key` names a secret in the looser sense used for env names: `GITHUB_TOKEN` contains `token`. */
  namesSecret(key: string): boolean {
    const k = normalizeKey(key);
    for (const secret of this.keys) if (k.includes(secret)) return true;
    return false;
  }

  redact<T>(value: T): T {
    if (this.keys.size === 0 && this.values.length === 0) return value;
    return this.walk(value, 0) as T;
  }

  /** Secret values of a plugin added at run time (config reload, POST /update_mcp_server). */
  learn(secretValues: Iterable<string>): void {
    const fresh = [...secretValues].filter((v) => v.length >= MIN_SECRET_LENGTH && !this.values.includes(v));
    if (fresh.length > 0) this.values = [...new Set([...this.values, ...fresh])].sort((a, b) => b.length - a.length);
  }

  /** Free text with every configured secret value replaced by "[REDACTED]". */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrub(value);
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
