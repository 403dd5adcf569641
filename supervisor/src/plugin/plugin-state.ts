/** States of a configured plugin, as shown by the API. */
export type PluginState = 'starting' | 'ready' | 'reloading' | 'restarting' | 'stopping' | 'stopped' | 'failed';
