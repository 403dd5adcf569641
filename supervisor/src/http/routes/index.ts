import type { Route } from '../http-types.js';
import { aliveRoute } from './alive.js';
import { executeActionRoute } from './execute-action.js';
import { listPluginsRoute, reloadPluginRoute, restartPluginRoute } from './plugins.js';
import { serverInfoRoute } from './server-info.js';

/** Every route of the HTTP API, one file each. */
export const ROUTES: readonly Route[] = [
  executeActionRoute,
  aliveRoute,
  serverInfoRoute,
  listPluginsRoute,
  restartPluginRoute,
  reloadPluginRoute,
];
