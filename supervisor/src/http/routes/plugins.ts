import { isPlugdError } from '../../errors.js';
import { HttpError } from '../http-types.js';
import type { Route, RouteContext } from '../http-types.js';
import { sendJson } from '../respond.js';

export const listPluginsRoute: Route = {
  method: 'GET',
  path: '/plugins',
  handle({ res, supervisor }) {
    sendJson(res, 200, { plugins: supervisor.plugins(), routes: supervisor.routes() });
  },
};

async function byName<T>(ctx: RouteContext, run: (name: string) => Promise<T>): Promise<T> {
  const name = ctx.params['name']!;
  try {
    return await run(name);
  } catch (error) {
    if (isPlugdError(error, 'PLUGIN_NOT_FOUND')) throw new HttpError(404, { detail: error.message });
    throw error;
  }
}

export const restartPluginRoute: Route = {
  method: 'POST',
  path: '/plugins/:name/restart',
  async handle(ctx) {
    const status = await byName(ctx, (name) => ctx.supervisor.restart(name));
    sendJson(ctx.res, 200, status);
  },
};

export const reloadPluginRoute: Route = {
  method: 'POST',
  path: '/plugins/:name/reload',
  async handle(ctx) {
    const [status] = await byName(ctx, (name) => ctx.supervisor.reload(name));
    sendJson(ctx.res, 200, status);
  },
};
