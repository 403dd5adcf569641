import { ConfigError } from '../../config/config-error.js';
import { isPlugdError } from '../../errors.js';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';
import { sendJson } from '../respond.js';

/**
 * POST /config/reload: reads the config file again and applies the difference (like
 * SIGHUP and `plugd reload --config`). 200 with what changed; 400 naming the problem
 * when the new config is bad (then nothing changed).
 */
export const configReloadRoute: Route = {
  method: 'POST',
  path: '/config/reload',
  async handle({ res, supervisor }) {
    try {
      sendJson(res, 200, await supervisor.reloadConfig());
    } catch (error) {
      if (error instanceof ConfigError || isPlugdError(error, 'CONFIG_NOT_RELOADABLE')) {
        // The message may quote the file's values: no secret value goes back over HTTP.
        throw new HttpError(400, { detail: `the config was not reloaded, nothing changed: ${supervisor.redactor.scrub(error.message)}` });
      }
      if (isPlugdError(error, 'SUPERVISOR_STOPPED')) throw new HttpError(503, { detail: error.message });
      throw error;
    }
  },
};
