import * as z from 'zod';
import { MAX_ACTION_TIMEOUT_S } from './limits.js';

/**
 * An Action in OpenHands' wire format. Loose on purpose: a newer runtime may send
 * top-level keys (timestamp, source, ...) and args fields an older plugin does not
 * know; the envelope check must let them through, the plugin's own schema decides.
 */
export const ActionSchema = z.looseObject({
  action: z.string().min(1, 'action type must be a non-empty string, e.g. "run"'),
  args: z.looseObject({}).default({}),
  timeout: z
    .number()
    .positive('timeout is in seconds and must be > 0')
    // Above this Node's timers overflow and fire at once: an instant ACTION_TIMEOUT.
    .max(MAX_ACTION_TIMEOUT_S, { error: (iss) => `timeout is ${String(iss.input)} s, over the maximum of ${MAX_ACTION_TIMEOUT_S} s (about 24.8 days); give a smaller timeout or none` })
    .nullish(),
  id: z.number().int().nullish(),
});

export type Action = z.infer<typeof ActionSchema>;
export type ActionInput = z.input<typeof ActionSchema>;

/** Body of `POST /execute_action`. */
export const ExecuteActionBodySchema = z.object({ action: ActionSchema });
export type ExecuteActionBody = z.infer<typeof ExecuteActionBodySchema>;
