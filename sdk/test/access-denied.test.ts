import { describe, expect, it } from '@jest/globals';
import { describeAccessDenied, isAccessDenied } from '../src/index.js';

describe('ERR_ACCESS_DENIED (Node permission model) messages', () => {
  it('names the denied access and the grant that allows it', () => {
    const read = Object.assign(new Error('Access to this API has been restricted'), { code: 'ERR_ACCESS_DENIED' as const, permission: 'FileSystemRead', resource: '/etc/hostname' });
    expect(isAccessDenied(read)).toBe(true);
    expect(describeAccessDenied(read)).toBe(
      `Node's permission model denied reading /etc/hostname (FileSystemRead not granted). If the plugin needs it, add it to "permissions.fsRead" in its plugd.json entry`,
    );
    expect(describeAccessDenied({ code: 'ERR_ACCESS_DENIED', permission: 'ChildProcess' })).toMatch(/denied starting a child process .*permissions\.childProcess/);
  });

  it('still says something useful for a permission it does not know, and ignores other errors', () => {
    expect(describeAccessDenied({ code: 'ERR_ACCESS_DENIED', permission: 'Inspector' })).toMatch(/denied Inspector .*extend its "permissions"/);
    expect(isAccessDenied(new Error('x'))).toBe(false);
    expect(isAccessDenied(null)).toBe(false);
  });
});
