import { ErrorIds, errorObservation, formatZodIssues, ObservationSchema, plainObservation } from '@plugd/protocol';
import type { Action, Observation } from '@plugd/protocol';
import type { PluginDefinition, RunContext } from './types.js';
import { describeAccessDenied, isAccessDenied } from './access-denied.js';

/**
 * Runs one action through its handler and always yields an Observation: bad args
 * become INVALID_ACTION, a throw or a malformed return value becomes PLUGIN_ERROR (an access
 * Node's permission model denied is named as such, with the grant that would allow it).
 */
export async function runAction(def: PluginDefinition, action: Action, ctx: RunContext): Promise<Observation> {
  const handler = Object.hasOwn(def.actions, action.action) ? def.actions[action.action] : undefined;
  if (!handler) {
    const handled = Object.keys(def.actions).join(', ');
    return errorObservation(ErrorIds.INVALID_ACTION, `Plugin ${def.name} does not handle action type "${action.action}"; it handles: ${handled}.`);
  }
  const parsed = handler.args.safeParse(action.args);
  if (!parsed.success) {
    return errorObservation(
      ErrorIds.INVALID_ACTION,
      `Invalid args for action "${action.action}" (plugin ${def.name}): ${formatZodIssues(parsed.error, 'args')}. Fix those fields and send the action again.`,
    );
  }
  try {
    const result = await handler.run(parsed.data, ctx);
    const plain = plainObservation(result);
    if (plain) return plain;
    const checked = ObservationSchema.safeParse(result);
    if (!checked.success) {
      return errorObservation(
        ErrorIds.PLUGIN_ERROR,
        `Plugin ${def.name} returned something that is not an Observation for "${action.action}": ${formatZodIssues(checked.error)}.`,
      );
    }
    return checked.data;
  } catch (error) {
    if (isAccessDenied(error)) {
      return errorObservation(ErrorIds.PLUGIN_ERROR, `Plugin ${def.name} could not complete "${action.action}": ${describeAccessDenied(error)}.`);
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return errorObservation(ErrorIds.PLUGIN_ERROR, `Plugin ${def.name} failed on "${action.action}": ${message}`);
  }
}
