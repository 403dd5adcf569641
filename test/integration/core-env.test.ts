/** A plugin gets a minimal environment: never the supervisor's API key or other variables. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { FIXTURES, stopAllPlugd, runPlugd, tempDir } from '../helpers/plugd-process.js';

const tmp = tempDir();
afterAll(async () => {
  await stopAllPlugd();
  tmp.remove();
});

describe('plugin environment', () => {
  it('holds only PATH, HOME, USER, LANG, TERM, SHELL, TMPDIR, the config env and PLUGD_PROTOCOL', async () => {
    const config = tmp.write('plugd.json', {
      plugins: [{ name: 'env', command: ['node', `${FIXTURES}/env-dump.mjs`], env: { MY_VAR: 'from-config' } }],
    });
    const run = await runPlugd(['exec', '-c', config, '{"action":"env","args":{}}'], {
      env: { SESSION_API_KEY: 'top-secret-key', PLUGD_TEST_SUPERVISOR_ONLY: 'should-not-leak', PATH: process.env['PATH'], HOME: '/tmp' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const observation = JSON.parse(run.stdout) as { observation: string; content: string };
    expect(observation.observation).toBe('env');
    const env = JSON.parse(observation.content) as Record<string, string>;
    expect(env['SESSION_API_KEY']).toBeUndefined();
    expect(env['PLUGD_TEST_SUPERVISOR_ONLY']).toBeUndefined();
    expect(run.stdout).not.toContain('top-secret-key');
    expect(env['MY_VAR']).toBe('from-config');
    expect(env['PLUGD_PROTOCOL']).toBe('1');
    expect(env['HOME']).toBe('/tmp');
    const allowed = new Set(['PATH', 'HOME', 'USER', 'LANG', 'TERM', 'SHELL', 'TMPDIR', 'MY_VAR', 'PLUGD_PROTOCOL']);
    expect(Object.keys(env).filter((k) => !allowed.has(k))).toEqual([]);
  });
});
