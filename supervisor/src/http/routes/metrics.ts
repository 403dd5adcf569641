import type { Route } from '../http-types.js';
import { sendText } from '../respond.js';

/** GET /metrics: Prometheus text format, from the supervisor's own prom-client Registry. */
export const metricsRoute: Route = {
  method: 'GET',
  path: '/metrics',
  async handle({ res, supervisor }) {
    sendText(res, 200, await supervisor.metrics.text(), supervisor.metrics.contentType);
  },
};
