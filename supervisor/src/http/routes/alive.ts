import type { Route } from '../http-types.js';
import { sendJson } from '../respond.js';

/** 200 once every plugin has answered initialize or failed its first start; 503 before. */
export const aliveRoute: Route = {
  method: 'GET',
  path: '/alive',
  public: true,
  handle({ res, supervisor }) {
    if (supervisor.initialized) sendJson(res, 200, { status: 'ok' });
    else sendJson(res, 503, { status: 'not initialized' });
  },
};
