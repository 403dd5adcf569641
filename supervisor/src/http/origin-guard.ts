import type { IncomingHttpHeaders } from 'node:http';
import { hostName, isLoopbackHost } from './loopback.js';

export interface OriginPolicy {
  /** Origins (`scheme://host[:port]`) whose browser pages may call plugd; empty by default. */
  readonly allowedOrigins: readonly string[];
  /** Host names (port ignored) accepted in the `Host` header besides loopback ones; `*` accepts any. */
  readonly allowedHosts: readonly string[];
  /** The address plugd is bound to: a specific non-wildcard address is accepted as a Host too. */
  readonly boundHost?: string;
}

/**
 * Keeps browsers out (MCP's rule for local HTTP servers): a web page can send a
 * cross-origin `text/plain` POST without a preflight, and a DNS-rebound name
 * (`evil.example` resolving to 127.0.0.1) makes its requests look same-origin.
 * Returns why a request is refused, or undefined when it may go on. Curl, the
 * OpenHands client and the plugd CLI send no Origin and a loopback Host.
 */
export function originRefusal(headers: IncomingHttpHeaders, policy: OriginPolicy): string | undefined {
  const host = headers.host;
  if (host !== undefined && !hostAllowed(hostName(host), policy)) {
    return `Host "${host}" is not a loopback name or address; plugd answers only to localhost, 127.0.0.1, [::1] and the hosts in server.allowedHosts (a guard against DNS rebinding). Add the name to server.allowedHosts to reach plugd by it`;
  }
  const origin = headers.origin;
  if (origin !== undefined && !originAllowed(origin, policy)) {
    return `Origin "${origin}" is not allowed: plugd refuses requests from web pages unless their origin is listed in server.allowedOrigins`;
  }
  return undefined;
}

export function originAllowed(origin: string, policy: OriginPolicy): boolean {
  const wanted = normalizeOrigin(origin);
  return policy.allowedOrigins.some((allowed) => normalizeOrigin(allowed) === wanted);
}

function hostAllowed(name: string, policy: OriginPolicy): boolean {
  if (isLoopbackHost(name)) return true;
  if (policy.boundHost && !isWildcard(policy.boundHost) && hostName(policy.boundHost) === name) return true;
  return policy.allowedHosts.some((allowed) => allowed === '*' || hostName(allowed) === name);
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
