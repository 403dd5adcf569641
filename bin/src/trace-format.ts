/** Turns trace records (one JSON line each) into one human line each, for `plugd trace`. */

export interface TraceFormatOptions {
  /** Print times in UTC instead of local time. */
  readonly utc?: boolean;
  /** Longest params/result preview, in characters. */
  readonly previewChars?: number;
}

export interface TraceLine {
  readonly time?: string;
  readonly plugin?: string;
  readonly pid?: number;
  readonly generation?: number;
  readonly dir?: 'in' | 'out';
  readonly kind?: string;
  readonly method?: string;
  readonly id?: number | string;
  readonly durationMs?: number;
  readonly bytes?: number;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: { code?: unknown; message?: unknown };
}

/** Parses one line of a trace file; undefined when it is not a trace record. */
export function parseTraceLine(line: string): TraceLine | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as TraceLine;
    return typeof record.method === 'string' && (record.dir === 'in' || record.dir === 'out') ? record : undefined;
  } catch {
    return undefined;
  }
}

/** `14:03:07.123  echo  → run #3  (96 B)  {"action":...}` (→ to the plugin, ← from it). */
export function formatTraceLine(record: TraceLine, options: TraceFormatOptions = {}): string {
  const parts = [formatTime(record.time, options.utc ?? false), (record.plugin ?? '?').padEnd(8), record.dir === 'out' ? '→' : '←', record.method ?? '?'];
  if (record.id !== undefined) parts.push(`#${record.id}`);
  if (record.durationMs !== undefined) parts.push(formatDuration(record.durationMs));
  if (record.bytes !== undefined) parts.push(`(${record.bytes} B)`);
  if (record.error) {
    parts.push(`ERROR ${String(record.error.code ?? '')} ${String(record.error.message ?? '')}`.trim());
  } else {
    const body = 'result' in record ? record.result : 'params' in record ? record.params : undefined;
    if (body !== undefined) parts.push(preview(body, options.previewChars ?? 100));
  }
  return parts.join(' ');
}

function formatTime(time: string | undefined, utc: boolean): string {
  const date = time ? new Date(time) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '--:--:--.---';
  const [h, m, s, ms] = utc
    ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()]
    : [date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds()];
  return `${pad(h)}:${pad(m)}:${pad(s)}.${String(ms).padStart(3, '0')}`;
}

function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

function preview(value: unknown, max: number): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
