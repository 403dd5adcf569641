import { ErrorIds, ExecuteParamsSchema, errorObservation, formatZodIssues, Methods } from '@plugd/protocol';
import type { Action, Caller, Observation } from '@plugd/protocol';
import type { ManagedPlugin } from '../plugin/managed-plugin.js';
import type { PluginProcess } from '../process/plugin-process.js';

/** How a nested action is run: routed like any action, within its caller. */
export interface CallContext {
  /** Absolute deadline: what is left of the caller's. */
  readonly deadline: number;
  /** Aborted when the calling action is answered (or cancelled). */
  readonly signal: AbortSignal;
  readonly caller: Caller;
}

export interface CallHost {
  readonly maxCallDepth: number;
  dispatch(action: Action, acceptedAt: number, call: CallContext): Promise<Observation>;
  onCall(caller: Caller, type: string, outcome: string): void;
}

/**
 * A `plugd/execute` request from a plugin: allowed only for the types in its `calls`,
 * only within one of its running actions, only `maxCallDepth` deep.
 */
export async function handlePluginCall(host: CallHost, plugin: ManagedPlugin, proc: PluginProcess, params: unknown): Promise<Observation> {
  const parsed = ExecuteParamsSchema.safeParse(params);
  if (!parsed.success) return refuse(`bad ${Methods.execute.method} params: ${formatZodIssues(parsed.error, 'params')}; send {"action": {...}, "requestId": <the id of the run request being served>}`);
  const { action, requestId } = parsed.data;
  const job = typeof requestId === 'number' ? plugin.runningJob(proc, requestId) : undefined;
  const caller: Caller = { plugin: plugin.name, requestId, depth: (job?.caller?.depth ?? 0) + 1 };
  const done = (observation: Observation): Observation => {
    host.onCall(caller, action.action, observation.observation === 'error' ? String((observation.extras as { error_id?: unknown }).error_id) : 'ok');
    return observation;
  };
  if (!job) return done(refuse(`plugin ${plugin.name} has no running action with request id ${JSON.stringify(requestId)} (it was answered or cancelled already); a call is made within the action being served`));
  if (!plugin.options.calls.includes(action.action)) {
    return done(refuse(`plugin ${plugin.name} may not run "${action.action}" actions; allow it in its config: "calls": [${[...plugin.options.calls, action.action].map((t) => JSON.stringify(t)).join(', ')}]`));
  }
  if (caller.depth > host.maxCallDepth) {
    return done(refuse(`call depth ${caller.depth} is past the limit of ${host.maxCallDepth} (plugins calling each other in a loop?); raise "maxCallDepth" if the chain is meant to be this deep`));
  }
  job.calls ??= new AbortController();
  // A nested action never outlives its caller: its own timeout can only shorten it.
  const own = action.timeout ? Date.now() + action.timeout * 1000 : Infinity;
  return done(await host.dispatch(action, Date.now(), { deadline: Math.min(job.deadline, own), signal: job.calls.signal, caller }));
}

function refuse(why: string): Observation {
  return errorObservation(ErrorIds.CALL_REFUSED, `plugd refused the call: ${why}.`);
}
