import type { PluginOptions } from '../config/types.js';
import { lazyMcpProtocol } from '../mcp/lazy-mcp-protocol.js';
import { plugdProtocol } from './plugd-protocol.js';
import type { PluginProtocol } from './protocol-session.js';

const PROTOCOLS: Readonly<Record<PluginOptions['protocol'], PluginProtocol>> = { plugd: plugdProtocol, mcp: lazyMcpProtocol };

/** The protocol strategy a plugin speaks (`"protocol"` in its config entry). */
export function protocolFor(options: Pick<PluginOptions, 'protocol'>): PluginProtocol {
  return PROTOCOLS[options.protocol];
}
