import * as z from 'zod';
import { ActionSchema } from './action.js';
import { ObservationSchema } from './observation.js';

/**
 * One idempotency rule: an action type, optionally narrowed by argument values
 * (`{"action": "edit", "args": {"command": ["view"]}}` is idempotent only when
 * `args.command` is "view"). A bare string is the whole type. Only an action that a
 * rule matches may be run a second time after its plugin crashed under it.
 */
export const IdempotentRuleSchema = z.union([
  z.string().min(1),
  z.strictObject({
    action: z.string().min(1),
    args: z.record(z.string(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1)).optional(),
  }),
]);
export type IdempotentRule = z.infer<typeof IdempotentRuleSchema>;

/** Who asked for an action run through `plugd/execute`: the trace shows the chain with it. */
export const CallerSchema = z.object({
  plugin: z.string(),
  /** The `run` request id (on the caller's own wire) the call was made within. */
  requestId: z.union([z.number(), z.string()]),
  /** 1 for a call made by a plugin serving a top-level action, 2 for its callee's call, ... */
  depth: z.number().int().min(1),
});
export type Caller = z.infer<typeof CallerSchema>;

/**
 * `plugd/execute` (plugin -> supervisor request): run `action` as plugd would route
 * it, within the calling action (`requestId` is the id of the `run` request the
 * plugin is serving). The result is always an Observation; refusals (type not in
 * the plugin's `calls`, depth limit, caller already answered) are error Observations
 * with `error_id` CALL_REFUSED.
 */
export const ExecuteParamsSchema = z.object({
  action: ActionSchema,
  requestId: z.union([z.number(), z.string()]),
});
export type ExecuteParams = z.infer<typeof ExecuteParamsSchema>;
export const ExecuteResultSchema = ObservationSchema;
