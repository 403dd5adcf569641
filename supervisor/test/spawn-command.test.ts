import { describe, expect, it } from '@jest/globals';
import { pluginEnv, spawnCommand } from '@plugd/supervisor';
import type { NodePermissionOptions, RunAs } from '@plugd/supervisor';

const nobody: RunAs = { user: 'nobody', uid: 65534, gid: 65534, groups: [65534, 100], home: '/nonexistent' };
const perms: NodePermissionOptions = { flag: '--experimental-permission', fsRead: ['/opt/p/dist/plugin.mjs', '/data'], fsWrite: ['/tmp/out'], childProcess: true, worker: false };

describe('spawnCommand (the command line a plugin starts with)', () => {
  it('is the configured command, untouched, without user or permissions', () => {
    expect(spawnCommand({ command: ['/usr/bin/node', './x.js', '--flag'] })).toEqual({ file: '/usr/bin/node', args: ['./x.js', '--flag'] });
  });

  it('wraps a plugin with a user in setpriv: uid, gid and every supplementary group, then the command after --', () => {
    expect(spawnCommand({ command: ['python3', 'tool.py'], runAs: nobody })).toEqual({
      file: 'setpriv',
      args: ['--reuid=65534', '--regid=65534', '--groups=65534,100', '--', 'python3', 'tool.py'],
    });
  });

  it('puts Node permission flags right after node, one grant flag per path, and silences Node 20\'s ExperimentalWarning', () => {
    expect(spawnCommand({ command: ['/usr/bin/node', '/opt/p/dist/plugin.mjs'], nodePermissions: perms }).args).toEqual([
      '--experimental-permission',
      '--disable-warning=ExperimentalWarning',
      '--allow-fs-read=/opt/p/dist/plugin.mjs',
      '--allow-fs-read=/data',
      '--allow-fs-write=/tmp/out',
      '--allow-child-process',
      '/opt/p/dist/plugin.mjs',
    ]);
    const newer = spawnCommand({ command: ['node', 'x.mjs'], nodePermissions: { ...perms, flag: '--permission', fsRead: [], fsWrite: [], childProcess: false, worker: true } });
    expect(newer.args).toEqual(['--permission', '--allow-worker', 'x.mjs']);
  });

  it('composes both: setpriv runs node, which runs under its permission flags', () => {
    const { file, args } = spawnCommand({ command: ['/usr/bin/node', 'p.mjs'], runAs: nobody, nodePermissions: { ...perms, fsRead: [], fsWrite: [], childProcess: false } });
    expect(file).toBe('setpriv');
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '/usr/bin/node', '--experimental-permission', '--disable-warning=ExperimentalWarning', 'p.mjs']);
  });
});

describe('pluginEnv with a user', () => {
  it("sets HOME, USER and LOGNAME to the user's, lets config env win, and never passes plugd's key", () => {
    const env = pluginEnv({ HOME: '/work' }, { PATH: '/bin', HOME: '/root', USER: 'root', SESSION_API_KEY: 'k' }, nobody);
    expect(env).toEqual({ PATH: '/bin', HOME: '/work', USER: 'nobody', LOGNAME: 'nobody', PLUGD_PROTOCOL: '1' });
  });
});
