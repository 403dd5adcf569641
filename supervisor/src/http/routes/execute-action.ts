import { ErrorIds, errorObservation, ExecuteActionBodySchema, formatZodIssues } from '@plugd/protocol';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';
import { readJsonBody } from '../read-body.js';
import { sendJson } from '../respond.js';

/** POST /execute_action {"action": Action} -> 200 with the Observation (error ones included). */
export const executeActionRoute: Route = {
  method: 'POST',
  path: '/execute_action',
  async handle({ req, res, supervisor, maxBodyBytes }) {
    const body = await readJsonBody(req, maxBodyBytes);
    const parsed = ExecuteActionBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpError(
        400,
        errorObservation(ErrorIds.INVALID_ACTION, `the body is not {"action": Action}: ${formatZodIssues(parsed.error)}. Example: {"action": {"action": "run", "args": {"command": "ls"}}}`),
      );
    }
    const observation = await supervisor.execute(parsed.data.action);
    sendJson(res, 200, observation);
  },
};
