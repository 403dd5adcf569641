import { describe, expect, it } from '@jest/globals';
import { parseConfig, Redactor, secretValues } from '@plugd/supervisor';

describe('Redactor.scrub (secret values in free text)', () => {
  it('replaces every occurrence of each secret, the longer one whole', () => {
    const r = new Redactor(['token'], ['abcdef', 'abcdef-123456', 'zzzzzz']);
    expect(r.scrub('x abcdef-123456 y abcdef zzzzzzzzzzzz')).toBe('x [REDACTED] y [REDACTED] [REDACTED][REDACTED]');
    expect(r.redact({ a: ['see abcdef'], token: 'anything' })).toEqual({ a: ['see [REDACTED]'], token: '[REDACTED]' });
  });

  it('leaves values shorter than 6 characters alone (they would mangle ordinary text)', () => {
    expect(new Redactor([], ['abc']).scrub('abc abc')).toBe('abc abc');
  });
});

describe('secretValues (what plugd knows is secret)', () => {
  it('is the API key, env values named like a redact key, and config strings under a redact key', () => {
    const config = parseConfig(
      {
        server: { apiKey: 'the-api-key' },
        plugins: [{ name: 'echo', env: { GITHUB_TOKEN: 'tok-value', DB_PASSWORD: 'pw-value', REGION: 'eu-west-1' }, config: { nested: { apiKey: 'cfg-key' }, region: 'eu' } }],
      },
      { source: 'test', baseDir: process.cwd() },
    );
    expect(secretValues(config).sort()).toEqual(['cfg-key', 'pw-value', 'the-api-key', 'tok-value']);
  });
});
