import { ErrorIds, errorObservation, ExecuteActionBodySchema, formatZodIssues } from '@plugd/protocol';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';
import { readJsonBody } from '../read-body.js';
import { sendJson } from '../respond.js';

const EXAMPLE = '{"action": {"action": "run", "args": {"command": "ls"}}}';

/** POST /execute_action {"action": Action} -> 200 with the Observation (error ones included). */
export const executeActionRoute: Route = {
  method: 'POST',
  path: '/execute_action',
  async handle({ req, res, supervisor, maxBodyBytes }) {
    const body = await readJsonBody(req, maxBodyBytes);
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && !('action' in body)) {
      throw new HttpError(400, errorObservation(ErrorIds.INVALID_ACTION, `the body has no "action" key; send {"action": Action}, e.g. ${EXAMPLE}`));
    }
    const parsed = ExecuteActionBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpError(
        400,
        errorObservation(ErrorIds.INVALID_ACTION, `the body is not {"action": Action}: ${formatZodIssues(parsed.error)}. Example: ${EXAMPLE}`),
      );
    }
    const observation = await supervisor.execute(parsed.data.action);
    sendJson(res, 200, observation);
  },
};
