/** States of a configured plugin, as shown by the API. */
export const PLUGIN_STATES = ['stopped', 'starting', 'ready', 'reloading', 'restarting', 'failed', 'stopping', 'disabled', 'waiting'] as const;
export type PluginState = (typeof PLUGIN_STATES)[number];
