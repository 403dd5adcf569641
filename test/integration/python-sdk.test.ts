/**
 * The Python SDK (sdk/python/plugd_sdk.py): its own unittest suite, and a plugin written
 * with it running under a real Supervisor.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { REPO_ROOT, errorId, harness } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

const PYTHON_SDK = join(REPO_ROOT, 'sdk', 'python');
const FIXTURE = join(PYTHON_SDK, 'tests', 'fixture_plugin.py');
const EXAMPLE = join(PYTHON_SDK, 'examples', 'my_tool.py');

let h: Harness | undefined;
afterEach(async () => {
  await h?.stopAndCheck();
  h = undefined;
});

describe('Python SDK', () => {
  it('passes its own unittest suite (python3 -m unittest in sdk/python)', async () => {
    const run = await promisify(execFile)('python3', ['-m', 'unittest', '-v'], { cwd: PYTHON_SDK, timeout: 120_000 }).catch(
      (error: { stdout: string; stderr: string; code: number }) => error,
    );
    expect(run.stderr).toMatch(/\nOK\n?$/);
    expect(run.stderr).toMatch(/Ran (1[5-9]|[2-9]\d) tests/);
  }, 150_000);

  it('runs under a real Supervisor: args checked by field, progress, concurrency, cancellation on timeout', async () => {
    h = harness([
      { name: 'py-sdk', command: ['python3', FIXTURE] },
      { name: 'py-example', command: ['python3', EXAMPLE] },
    ]);
    await h.supervisor.start();
    expect(h.status('py-sdk')).toMatchObject({ state: 'ready', version: '1.2.3' });
    expect(await h.run('shout', { text: 'hi' })).toMatchObject({ observation: 'shout', content: 'HI' });

    const bad = await h.run('shout', { text: 42 });
    expect(errorId(bad)).toBe('INVALID_ACTION');
    expect(bad.content).toContain('args.text: expected string, got integer');

    // A 30 s sleep with a 1 s timeout: plugd answers ACTION_TIMEOUT and sends $/cancelRequest;
    // the plugin answers the cancel (no kill: the same pid keeps serving, pings answered meanwhile).
    const pid = h.status('py-sdk').pid;
    const [slow, quick] = await Promise.all([h.run('sleep', { seconds: 30 }, 1), h.run('shout', { text: 'meanwhile' })]);
    expect(quick.content).toBe('MEANWHILE');
    expect(errorId(slow)).toBe('ACTION_TIMEOUT');
    expect(await h.run('shout', { text: 'after' })).toMatchObject({ content: 'AFTER' });
    expect(h.status('py-sdk').pid).toBe(pid);

    const stray = await h.run('stray');
    expect(stray.content).toBe('still framed');
    expect(h.status('py-sdk').pid).toBe(pid); // a print() is not a PROTOCOL_ERROR

    const words = await h.run('word_count', { path: EXAMPLE });
    expect(words.content).toMatch(/^\d+ words in /);
  }, 90_000);
});
