import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig } from '@plugd/supervisor';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = `${REPO}test/fixtures/plugins/behave.mjs`;
const parse = (raw: unknown) => parseConfig(raw, { source: 'plugd.json', baseDir: REPO });
const problemOf = (raw: unknown): string => {
  try {
    parse(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

afterEach(() => {
  jest.restoreAllMocks();
});

describe('config: plugin user and group', () => {
  it('refuses a user that does not exist, naming the plugin and the JSON path', () => {
    expect(problemOf({ plugins: [{ name: 'tool', command: ['node', FIXTURE], user: 'no-such-user-plugd' }] })).toMatch(
      /plugd\.json: plugins\[0\]\.user: plugin "tool" .*user "no-such-user-plugd" does not exist/,
    );
  });

  it('refuses a user while plugd is not root, naming the plugin', () => {
    jest.spyOn(process, 'getuid').mockReturnValue(1000);
    expect(problemOf({ plugins: [{ name: 'tool', command: ['node', FIXTURE], user: 'nobody' }] })).toMatch(/plugins\[0\]\.user: plugin "tool": running it as user nobody needs plugd to run as root/);
  });

  it('refuses a group without a user', () => {
    expect(problemOf({ plugins: [{ name: 'tool', command: ['node', FIXTURE], group: 'nogroup' }] })).toMatch(/plugins\[0\]\.group: plugin "tool": "group" needs "user"/);
  });

  asRoot('as root', () => {
    it('resolves a user name or uid to uid, gid, groups and home', () => {
      const [byName, byId] = parse({
        plugins: [
          { name: 'a', command: ['node', FIXTURE], user: 'nobody' },
          { name: 'b', command: ['node', FIXTURE], user: 65534, group: 'nogroup' },
        ],
      }).plugins;
      expect(byName!.runAs).toMatchObject({ user: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' });
      expect(byId!.runAs).toMatchObject({ user: 'nobody', uid: 65534 });
    });

    it('runs the shell, files and python built-ins as "username", not echo, and an explicit user wins', () => {
      const plugins = parse({ username: 'nobody', plugins: [{ name: 'shell' }, { name: 'files' }, { name: 'python' }, { name: 'echo' }, { name: 'x', command: ['node', FIXTURE] }] }).plugins;
      expect(plugins.map((p) => p.runAs?.user)).toEqual(['nobody', 'nobody', 'nobody', undefined, undefined]);
      expect(parse({ username: 'root', plugins: [{ name: 'shell' }] }).plugins[0]!.runAs).toBeUndefined();
    });

    it('refuses a "username" that does not exist, naming the built-in that would run as it', () => {
      expect(problemOf({ username: 'no-such-user-plugd', plugins: [{ name: 'shell' }] })).toMatch(/username: plugin "shell" runs as "username".*does not exist/);
    });
  });
});

describe('config: Node permissions and sha256 pins', () => {
  it('grants a Node plugin its own entry file and package on top of fsRead, with the flag this Node takes', () => {
    const [p] = parse({ plugins: [{ name: 'tool', command: ['node', FIXTURE], permissions: { fsRead: ['./data'], fsWrite: ['/tmp/out'], childProcess: true } }] }).plugins;
    const perms = p!.nodePermissions!;
    // Node 20 knows only --experimental-permission; Node 24 only --permission.
    const major = Number(process.versions.node.split('.')[0]);
    if (major === 20) expect(perms.flag).toBe('--experimental-permission');
    if (major >= 24) expect(perms.flag).toBe('--permission');
    expect(perms.fsRead).toContain(`${REPO}data`);
    expect(perms.fsRead.some((path) => FIXTURE.startsWith(path))).toBe(true);
    expect(perms).toMatchObject({ fsWrite: ['/tmp/out'], childProcess: true, worker: false });
  });

  it('refuses permissions on a plugin that is not run by node', () => {
    expect(problemOf({ plugins: [{ name: 'py', command: ['python3', `${REPO}test/fixtures/plugins/hand-written.py`], permissions: {} }] })).toMatch(/plugins\[0\]\.permissions: plugin "py": "permissions" is Node's permission model/);
  });

  it('pins the entry file with one digest, or each file of a map relative to the config', () => {
    const digest = 'a'.repeat(64);
    const [one, map] = parse({
      plugins: [
        { name: 'one', command: ['node', FIXTURE], sha256: digest.toUpperCase() },
        { name: 'map', command: ['node', FIXTURE], sha256: { './test/fixtures/plugins/behave.mjs': digest } },
      ],
    }).plugins;
    expect(one!.sha256).toEqual({ [FIXTURE]: digest });
    expect(map!.sha256).toEqual({ [FIXTURE]: digest });
    expect(problemOf({ plugins: [{ name: 'p', command: ['node', FIXTURE], sha256: 'xyz' }] })).toMatch(/plugins\[0\]\.sha256.*64 hex digits/);
  });
});
