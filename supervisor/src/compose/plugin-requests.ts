import { Methods } from '@plugd/protocol';
import type { ManagedPluginHooks } from '../plugin/managed-plugin.js';
import { handlePluginCall } from './plugin-call.js';
import type { CallHost } from './plugin-call.js';

/** The requests plugd serves from its plugins: plugd/execute (a plugin calling another); others are not plugd's. */
export function pluginRequestHandler(host: CallHost): NonNullable<ManagedPluginHooks['onRequest']> {
  return (plugin, method, params, proc) => {
    if (method !== Methods.execute.method) return undefined;
    return handlePluginCall(host, plugin, proc, params);
  };
}
