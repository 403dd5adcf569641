import type { Route } from '../http-types.js';
import { aliveRoute } from './alive.js';
import { configReloadRoute } from './config-reload.js';
import { eventsRoute } from './events.js';
import { executeActionRoute } from './execute-action.js';
import { metricsRoute } from './metrics.js';
import { MCP_ROUTES } from './mcp-routes.js';
import { listPluginsRoute, reloadPluginRoute, restartPluginRoute } from './plugins.js';
import { serverInfoRoute } from './server-info.js';
import { getTraceRoute, setTraceRoute } from './trace.js';
import { openHandsFileRoutes } from './openhands-files.js';

/** Every route of the HTTP API, one file each. */
export const ROUTES: readonly Route[] = [
  executeActionRoute,
  aliveRoute,
  serverInfoRoute,
  listPluginsRoute,
  restartPluginRoute,
  reloadPluginRoute,
  configReloadRoute,
  metricsRoute,
  eventsRoute,
  getTraceRoute,
  setTraceRoute,
  ...openHandsFileRoutes,
  ...MCP_ROUTES,
];
