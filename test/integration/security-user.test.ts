/**
 * Issue 11 item 3: plugins run as an unprivileged user (uid 65534, `nobody`). The shell,
 * files and python built-ins run as the top-level "username"; what they create is owned
 * by it; they cannot read plugd's environment (its API key) from /proc, and the key is in
 * neither their environment nor their argv. Needs root (as in CI); skipped otherwise.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accessProblem, lookupRunAs, parseConfig, Supervisor } from '@plugd/supervisor';
import { copyBuiltins } from '../helpers/builtins-copy.js';
import { ECHO_ENTRY, http, stopAllPlugd, REPO, startPlugd, tempDir } from '../helpers/plugd-process.js';
import type { PlugdProcess } from '../helpers/plugd-process.js';

const root = process.getuid?.() === 0;
const NOBODY = 65534;
// Where Node itself lives under a folder nobody cannot enter (a toolchain under /root),
// no plugin can run as nobody: then the clear refusal is what is tested.
const nobody = root ? lookupRunAs('nobody') : undefined;
const nodeBlocked = typeof nobody === 'object' ? accessProblem(process.execPath, nobody, 'execute') : undefined;
const asRootWithNode = root && !nodeBlocked ? describe : describe.skip;

asRootWithNode('plugins run as "nobody" (username) under a root plugd', () => {
  const tmp = tempDir();
  const builtins = copyBuiltins(['shell', 'files', 'python']);
  const key = `key-${randomBytes(16).toString('hex')}`;
  const auth = { 'X-Session-API-Key': key };
  let plugd: PlugdProcess;
  const work = join(tmp.dir, 'work');
  const act = async (action: string, args: Record<string, unknown>) => (await http(plugd.url, '/execute_action', { body: { action: { action, args } }, headers: auth })).body;

  beforeAll(async () => {
    chmodSync(tmp.dir, 0o755);
    mkdirSync(work, { mode: 0o777 });
    chmodSync(work, 0o777);
    const config = tmp.write('plugd.json', { username: 'nobody', plugins: [{ name: 'shell' }, { name: 'files' }, { name: 'python' }] });
    plugd = await startPlugd(['--port', '0', '-c', config], { env: { SESSION_API_KEY: key, PLUGD_BUILTINS_DIR: builtins.dir } });
    await plugd.ready();
  });

  afterAll(async () => {
    await stopAllPlugd();
    tmp.remove();
    builtins.remove();
  });

  it('runs the shell as nobody: whoami says so, HOME, USER and LOGNAME are its own, files it creates are owned by it', async () => {
    const obs = await act('run', { command: `whoami; echo "$HOME|$USER|$LOGNAME"; touch ${work}/by-shell` });
    expect(obs.content).toBe('nobody\n/nonexistent|nobody|nobody');
    expect(obs.extras.metadata.username).toBe('nobody');
    expect(statSync(join(work, 'by-shell')).uid).toBe(NOBODY);
  });

  it("cannot read plugd's environment from /proc, and the API key is in neither its environment nor its argv", async () => {
    const obs = await act('run', { command: `cat /proc/${plugd.pid}/environ; echo "rc=$?"; cat /proc/$$/environ /proc/$PPID/environ /proc/$PPID/cmdline | tr '\\0' '\\n'` });
    expect(obs.content).toMatch(new RegExp(`/proc/${plugd.pid}/environ: Permission denied\\nrc=1`));
    expect(obs.content).not.toContain(key);
    expect(obs.content).toMatch(/PLUGD_PROTOCOL=1/); // it did read its own
    const { body } = await http(plugd.url, '/plugins', { headers: auth });
    for (const p of body.plugins as { pid: number }[]) {
      expect(readFileSync(`/proc/${p.pid}/environ`, 'utf8')).not.toContain(key);
      expect(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8')).not.toContain(key);
      expect(statSync(`/proc/${p.pid}`).uid).toBe(NOBODY);
    }
  });

  it('runs the files plugin and the python kernel as nobody too', async () => {
    await act('write', { path: join(work, 'by-files.txt'), content: 'hi\n' });
    expect(statSync(join(work, 'by-files.txt')).uid).toBe(NOBODY);
    const py = await act('run_ipython', { code: `import os\nopen(${JSON.stringify(join(work, 'by-python'))}, 'w').write('x')\nos.getuid()` });
    expect(py.content).toMatch(/^65534/);
    expect(statSync(join(work, 'by-python')).uid).toBe(NOBODY);
  });
});

asRootWithNode('a plugin whose files its user cannot reach', () => {
  const tmp = tempDir(); // mkdtemp: mode 0700, closed to nobody
  let supervisor: Supervisor | undefined;
  afterAll(async () => {
    await supervisor?.stop();
    tmp.remove();
  });

  it('is failed at once with a message naming the folder, and never spawned', async () => {
    mkdirSync(join(tmp.dir, 'p'), { mode: 0o755 });
    const entry = join(tmp.dir, 'p', 'plugin.mjs');
    copyFileSync(ECHO_ENTRY.replace(/index\.js$/, 'plugin.mjs'), entry);
    const config = parseConfig({ plugins: [{ name: 'hidden', command: ['node', entry], user: 'nobody', actions: ['echo'] }] }, { source: 'test', baseDir: REPO });
    supervisor = new Supervisor(config);
    const spawned: number[] = [];
    supervisor.on('spawn', (e) => spawned.push(e.generation));
    await supervisor.start();
    const status = supervisor.plugin('hidden')!;
    expect(status.state).toBe('failed');
    expect(status.lastError).toContain(`folder ${tmp.dir} is not searchable by user nobody`);
    expect(spawned).toEqual([]);
    const obs = await supervisor.execute({ action: 'echo', args: { text: 'x' } });
    expect(obs.content).toMatch(/PLUGIN_UNAVAILABLE|not searchable/);
  });
});

(root && nodeBlocked ? describe : describe.skip)('node itself out of nobody\'s reach', () => {
  it('fails the plugin with a message naming the folder, instead of a crash', async () => {
    const config = parseConfig({ plugins: [{ name: 'echo', user: 'nobody' }] }, { source: 'test', baseDir: '/tmp' });
    const supervisor = new Supervisor(config);
    try {
      await supervisor.start();
      expect(supervisor.plugin('echo')!.state).toBe('failed');
      expect(supervisor.plugin('echo')!.lastError).toContain(nodeBlocked!);
    } finally {
      await supervisor.stop();
    }
  });
});
