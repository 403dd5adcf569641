export { definePlugin } from './define-plugin.js';
export { defineAction } from './action-handler.js';
export { servePlugin } from './serve.js';
export type { ServeOptions, PluginServer } from './serve.js';
export { runAction } from './run-action.js';
export { redirectConsoleToStderr } from './console-guard.js';
export type { ActionHandler, InitContext, PluginDefinition, PluginLogger, RunContext } from './types.js';
export { errorObservation, ErrorIds } from '@plugd/protocol';
export type { Action, Observation, ErrorObservation, ErrorId } from '@plugd/protocol';
