import type { ManagedPlugin } from '../plugin/managed-plugin.js';
import type { PluginStatus } from '../plugin/plugin-status.js';
import type { CompositionCounts } from './composition-counts.js';
import { effectiveRules } from './idempotency.js';

/** A plugin's status with what composition adds: its reason, lazy start, fallback and retry counts, idempotency rules. */
export function composedStatus(p: ManagedPlugin, counts: CompositionCounts): PluginStatus {
  const count = counts.get(p.name);
  return {
    ...p.status(),
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
    ...(p.options.start === 'lazy' ? { start: 'lazy' as const } : {}),
    servedAsFallback: count?.servedAsFallback ?? 0,
    retried: count?.retried ?? 0,
    idempotent: effectiveRules(p.current?.initResult?.idempotent ?? p.lastIdempotent ?? [], p.options.idempotent),
  };
}
