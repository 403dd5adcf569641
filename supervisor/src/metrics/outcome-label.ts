import { ERROR_IDS } from '@plugd/protocol';
import type { ErrorId } from '@plugd/protocol';

export type OutcomeLabel = 'ok' | 'other' | ErrorId;

/**
 * The `outcome` metric label: "ok", a known error id, or "other". A plugin picks the
 * error_id it answers with; unbounded label values would grow the registry without limit.
 */
export function outcomeLabel(outcome: string): OutcomeLabel {
  if (outcome === 'ok') return 'ok';
  return ERROR_IDS.has(outcome as ErrorId) ? (outcome as ErrorId) : 'other';
}
