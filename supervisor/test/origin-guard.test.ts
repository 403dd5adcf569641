import { describe, expect, it } from '@jest/globals';
import { hostName, isLoopbackHost, originRefusal, remoteAccessRefusal, servesRemoteWithoutKey } from '@plugd/supervisor';

const policy = { allowedOrigins: [] as string[], allowedHosts: [] as string[], boundHost: '127.0.0.1' };

describe('originRefusal (browsers and DNS rebinding kept out)', () => {
  it('lets curl-like requests through: no Origin, a loopback Host with any port, or no Host at all', () => {
    for (const host of ['127.0.0.1:8765', 'localhost:1', 'LOCALHOST', '[::1]:8765', '127.1.2.3', 'app.localhost:80', undefined]) {
      expect(originRefusal(host === undefined ? {} : { host }, policy)).toBeUndefined();
    }
  });

  it('refuses a foreign Host, naming server.allowedHosts', () => {
    expect(originRefusal({ host: 'evil.example:8765' }, policy)).toMatch(/Host "evil\.example:8765".*server\.allowedHosts/);
    expect(originRefusal({ host: '127.0.0.1.evil.example' }, policy)).toBeDefined();
    expect(originRefusal({ host: 'localhost.evil.example' }, policy)).toBeDefined();
    expect(originRefusal({ host: '10.0.0.5:8765' }, policy)).toBeDefined();
  });

  it('refuses any Origin not listed, "null" included, naming server.allowedOrigins', () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:8765', 'http://localhost:3000']) {
      expect(originRefusal({ host: '127.0.0.1:8765', origin }, policy)).toMatch(/server\.allowedOrigins/);
    }
  });

  it('accepts listed origins and hosts (case and trailing slash aside), and the specific address plugd is bound to', () => {
    const open = { allowedOrigins: ['http://LOCALHOST:3000/'], allowedHosts: ['plugd.internal'], boundHost: '10.0.0.5' };
    expect(originRefusal({ host: 'localhost', origin: 'http://localhost:3000' }, open)).toBeUndefined();
    expect(originRefusal({ host: 'plugd.internal:8765' }, open)).toBeUndefined();
    expect(originRefusal({ host: '10.0.0.5:8765' }, open)).toBeUndefined();
    expect(originRefusal({ host: '10.0.0.6:8765' }, open)).toBeDefined();
    expect(originRefusal({ host: 'anything' }, { ...policy, allowedHosts: ['*'] })).toBeUndefined();
    // A wildcard bind is not a name a Host header may carry.
    expect(originRefusal({ host: '0.0.0.0:8765' }, { ...policy, boundHost: '0.0.0.0' })).toBeDefined();
  });
});

describe('loopback names', () => {
  it('knows loopback from the rest', () => {
    for (const h of ['localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost.']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'evil.example', '128.0.0.1', 'localhostx', '::2']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('reads the name out of a Host header', () => {
    expect(hostName('Example.COM:80')).toBe('example.com');
    expect(hostName('[::1]:8765')).toBe('[::1]');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('remoteAccessRefusal (no anonymous remote access)', () => {
  it('refuses a non-loopback bind without a key, naming SESSION_API_KEY and server.apiKey', () => {
    const why = remoteAccessRefusal({ host: '0.0.0.0', allowRemoteWithoutKey: false });
    expect(why).toMatch(/SESSION_API_KEY/);
    expect(why).toMatch(/server\.apiKey/);
    expect(why).not.toMatch(/\n/);
  });

  it('allows loopback without a key, any bind with a key, and the explicit opt-out', () => {
    expect(remoteAccessRefusal({ host: '127.0.0.1', allowRemoteWithoutKey: false })).toBeUndefined();
    expect(remoteAccessRefusal({ host: '0.0.0.0', apiKey: 'k', allowRemoteWithoutKey: false })).toBeUndefined();
    expect(remoteAccessRefusal({ host: '0.0.0.0', allowRemoteWithoutKey: true })).toBeUndefined();
    expect(servesRemoteWithoutKey({ host: '0.0.0.0', allowRemoteWithoutKey: true })).toBe(true);
    expect(servesRemoteWithoutKey({ host: '127.0.0.1', allowRemoteWithoutKey: true })).toBe(false);
  });
});
