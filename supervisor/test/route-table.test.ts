import { describe, expect, it } from '@jest/globals';
import { RouteTable } from '@plugd/supervisor';

describe('RouteTable', () => {
  it('routes each action type to the plugin that claims it', () => {
    const table = new RouteTable({});
    expect(table.claim('shell', ['run'])).toBeUndefined();
    expect(table.claim('files', ['read', 'write'])).toBeUndefined();
    expect(table.lookup('run')).toBe('shell');
    expect(table.lookup('write')).toBe('files');
    expect(table.types()).toEqual(['read', 'run', 'write']);
  });

  it('reports a conflict naming both plugins and the routes fix; the first claimant keeps the type', () => {
    const table = new RouteTable({});
    table.claim('files', ['read']);
    const conflict = table.claim('other', ['read', 'other_action']);
    expect(conflict).toMatch(/"read" is also handled by plugin "files"/);
    expect(conflict).toMatch(/"routes": \{"read": "files"\}/);
    expect(table.lookup('read')).toBe('files');
    expect(table.lookup('other_action')).toBe('other');
  });

  it('settles a conflict by the routes override, whichever plugin claims first', () => {
    const table = new RouteTable({ read: 'other' });
    expect(table.claim('files', ['read', 'write'])).toBeUndefined();
    expect(table.claim('other', ['read'])).toBeUndefined();
    expect(table.lookup('read')).toBe('other');
    expect(table.lookup('write')).toBe('files');
  });

  it('follows a plugin whose set of action types changed (reload)', () => {
    const table = new RouteTable({});
    table.claim('p', ['a', 'b']);
    table.claim('p', ['b', 'c']);
    expect(table.types()).toEqual(['b', 'c']);
    table.release('p');
    expect(table.types()).toEqual([]);
  });
});
