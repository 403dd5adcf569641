import { z } from 'zod';

/**
 * An Action in OpenHands' wire format. Loose on purpose: a newer runtime may send
 * top-level keys (timestamp, source, ...) and args fields an older plugin does not
 * know; the envelope check must let them through, the plugin's own schema decides.
 */
export const ActionSchema = z.looseObject({
  action: z.string().min(1, 'action type must be a non-empty string, e.g. "run"'),
  args: z.looseObject({}).default({}),
  timeout: z.number().positive('timeout is in seconds and must be > 0').nullish(),
  id: z.number().int().nullish(),
});

export type Action = z.infer<typeof ActionSchema>;
export type ActionInput = z.input<typeof ActionSchema>;

/** Body of `POST /execute_action`. */
export const ExecuteActionBodySchema = z.object({ action: ActionSchema });
export type ExecuteActionBody = z.infer<typeof ExecuteActionBodySchema>;
