import type { ServerOptions } from '../config/types.js';
import { isLoopbackHost } from './loopback.js';

/**
 * Why plugd must not serve these options, or undefined: a shell reachable from the
 * network with no key is remote code execution for anyone who finds the port.
 * `allowRemoteWithoutKey` is the explicit opt-out (the caller logs it loudly).
 */
export function remoteAccessRefusal(server: Pick<ServerOptions, 'host' | 'apiKey' | 'allowRemoteWithoutKey'>): string | undefined {
  if (server.apiKey || isLoopbackHost(server.host) || server.allowRemoteWithoutKey) return undefined;
  return `refusing to serve ${server.host}, which is not a loopback address, without an API key: anyone who can reach it could run commands. Set SESSION_API_KEY (or server.apiKey), bind 127.0.0.1, or opt out with "server": {"allowRemoteWithoutKey": true}`;
}

/** True when plugd serves the network without a key because the config opted out. */
export function servesRemoteWithoutKey(server: Pick<ServerOptions, 'host' | 'apiKey' | 'allowRemoteWithoutKey'>): boolean {
  return !server.apiKey && !isLoopbackHost(server.host) && server.allowRemoteWithoutKey;
}
