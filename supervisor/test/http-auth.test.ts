import { describe, expect, it } from '@jest/globals';
import { apiKeyMatches } from '../src/http/auth.js';

describe('apiKeyMatches', () => {
  it('accepts exactly the configured key', () => {
    expect(apiKeyMatches('s3cret', 's3cret')).toBe(true);
  });

  it.each([
    ['a wrong key', 's3cres'],
    ['a prefix of the key', 's3cre'],
    ['the key with more after it', 's3cret-and-more'],
    ['an empty header', ''],
    ['no header', undefined],
    ['the header sent twice', ['s3cret', 's3cret']],
  ])('refuses %s', (_what, given) => {
    expect(apiKeyMatches('s3cret', given as string | string[] | undefined)).toBe(false);
  });
});
