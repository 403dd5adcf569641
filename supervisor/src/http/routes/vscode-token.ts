import type { Route } from '../http-types.js';
import { sendJson } from '../respond.js';

/** GET /vscode/connection_token -> {"token": null}: plugd has no VS Code plugin (OpenHands' answer without one). */
export const vscodeTokenRoute: Route = {
  method: 'GET',
  path: '/vscode/connection_token',
  handle({ res }) {
    sendJson(res, 200, { token: null });
  },
};
