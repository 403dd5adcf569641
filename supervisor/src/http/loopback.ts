import { isIP } from 'node:net';

/**
 * True for names and addresses that only reach this machine: `localhost` (and
 * `*.localhost`, which resolvers keep local), 127.0.0.0/8, ::1 and IPv4-mapped 127.x.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

/** The host name of a `Host` header value (`name:port`, `[v6]:port`), lower case, without the port. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  // More than one colon without brackets: a bare IPv6 address (not valid in Host, but harmless to read whole).
  if (colon < 0 || value.indexOf(':', colon + 1) >= 0) return value;
  return value.slice(0, colon);
}
