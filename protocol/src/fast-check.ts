import type { Action } from './action.js';
import { MAX_ACTION_TIMEOUT_S } from './limits.js';
import type { RunParams } from './messages.js';
import type { Observation } from './observation.js';

/**
 * Precompiled hot-path checks: each returns its input when it is plainly valid, else
 * undefined so the caller falls back to the zod schema (which names what is wrong).
 * They accept a subset of what ActionSchema / ObservationSchema accept, and their
 * input is already what those schemas would return, so the outcome is the same
 * without zod's cost on every action.
 */
export function plainAction(input: unknown): Action | undefined {
  if (!isRecord(input)) return undefined;
  const { action, args, timeout, id } = input;
  if (typeof action !== 'string' || action.length === 0 || !isRecord(args)) return undefined;
  if (timeout !== undefined && timeout !== null && !(typeof timeout === 'number' && timeout > 0 && timeout <= MAX_ACTION_TIMEOUT_S)) return undefined;
  if (id !== undefined && id !== null && !Number.isSafeInteger(id)) return undefined;
  return input as Action;
}

export function plainObservation(raw: unknown): Observation | undefined {
  if (!isRecord(raw)) return undefined;
  const { observation, content, extras, cause, success, message } = raw;
  if (typeof observation !== 'string' || observation.length === 0 || typeof content !== 'string' || !isRecord(extras)) return undefined;
  if (cause !== undefined && cause !== null && !Number.isFinite(cause)) return undefined;
  if (success !== undefined && typeof success !== 'boolean') return undefined;
  if (message !== undefined && typeof message !== 'string') return undefined;
  return raw as Observation;
}

/** `run` params ({action, timeoutMs?, session?: {cwd?}}) with nothing the schema would strip. */
export function plainRunParams(params: unknown): RunParams | undefined {
  if (!isRecord(params)) return undefined;
  for (const key in params) if (key !== 'action' && key !== 'timeoutMs' && key !== 'session') return undefined;
  const { action, timeoutMs, session } = params;
  if (!plainAction(action)) return undefined;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && Number.isFinite(timeoutMs))) return undefined;
  if (session !== undefined) {
    if (!isRecord(session)) return undefined;
    for (const key in session) if (key !== 'cwd') return undefined;
    if (session['cwd'] !== undefined && typeof session['cwd'] !== 'string') return undefined;
  }
  return params as RunParams;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
