import { describe, expect, it } from '@jest/globals';
import { HttpError } from '../src/http/http-types.js';
import type { Route } from '../src/http/http-types.js';
import { Router } from '../src/http/router.js';

const route = (method: Route['method'], path: string): Route => ({ method, path, handle: () => undefined });
const restart = route('POST', '/plugins/:name/restart');
const list = route('GET', '/plugins');
const router = new Router([list, restart, route('GET', '/alive')]);

describe('Router', () => {
  it('matches method and path, with or without a trailing slash', () => {
    expect(router.match('GET', '/plugins')).toEqual({ route: list, params: {} });
    expect(router.match('GET', '/plugins/')).toEqual({ route: list, params: {} });
  });

  it('turns :name segments into decoded params', () => {
    expect(router.match('POST', '/plugins/my%20tool/restart')).toEqual({ route: restart, params: { name: 'my tool' } });
  });

  it('a :name segment never spans a slash', () => {
    expect(router.match('POST', '/plugins/a/b/restart')).toBeUndefined();
  });

  it('answers the allowed methods for a known path with the wrong method', () => {
    expect(router.match('DELETE', '/plugins/x/restart')).toEqual({ allowed: ['POST'] });
  });

  it('an unknown path matches nothing', () => {
    expect(router.match('GET', '/nope')).toBeUndefined();
  });

  it('a malformed % escape is an HttpError 400 naming the segment, not a URIError', () => {
    let thrown: unknown;
    try {
      router.match('POST', '/plugins/%E0%A4%A/restart');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect((thrown as HttpError).status).toBe(400);
    expect((thrown as HttpError).message).toMatch(/"%E0%A4%A" has a malformed % escape; encode "%" as %25/);
  });

  it('describes its routes for a 404 answer', () => {
    expect(router.describe()).toEqual(['GET /plugins', 'POST /plugins/:name/restart', 'GET /alive']);
  });
});
