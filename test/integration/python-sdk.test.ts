/**
 * The Python SDK (sdk/python/plugd_sdk.py): its own unittest suite, and a plugin written
 * with it running under a real Supervisor.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ComposeHarness, composePlugin } from '../helpers/compose.js';
import type { Observation } from '@plugd/protocol';
import { FAST_RESTART, FAST_TIMEOUTS, REPO_ROOT, errorId, harness } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

const PYTHON_SDK = join(REPO_ROOT, 'sdk', 'python');
const FIXTURE = join(PYTHON_SDK, 'tests', 'fixture_plugin.py');
const EXAMPLE = join(PYTHON_SDK, 'examples', 'my_tool.py');

let h: Harness | undefined;
let ch: ComposeHarness | undefined;
afterEach(async () => {
  await h?.stopAndCheck();
  await ch?.close();
  h = undefined;
  ch = undefined;
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

  it('ctx.execute calls another plugin through plugd and gets its Observation; a type not in calls is CALL_REFUSED; the call ends with its caller', async () => {
    ch = new ComposeHarness({
      plugins: [
        { name: 'py-caller', command: ['python3', FIXTURE], calls: ['echo', 'slow'], restart: FAST_RESTART, timeouts: FAST_TIMEOUTS },
        composePlugin('callee', {}, { FIXTURE_ACTIONS: 'echo,read,slow' }),
      ],
    });
    await ch.supervisor.start();
    const relayed = (o: Observation) => JSON.parse(o.content) as Observation;

    const ok = await ch.run('relay', { call: { action: 'echo', args: { text: 'hi' } } });
    expect(relayed(ok)).toEqual({ observation: 'echo', content: 'callee:hi', extras: {} });
    expect(ch.events('call')).toEqual([expect.objectContaining({ plugin: 'py-caller', type: 'echo', depth: 1, outcome: 'ok' })]);

    const denied = relayed(await ch.run('relay', { call: { action: 'read', args: {} } }));
    expect(errorId(denied)).toBe('CALL_REFUSED');
    expect(denied.content).toMatch(/may not run "read" actions; allow it in its config: "calls": \[.*"read"\]/);

    // A 60 s callee under a 1.5 s caller: both end at the caller's deadline, and the
    // Python plugin keeps serving on the same pid.
    const pid = ch.status('py-caller').pid;
    const began = Date.now();
    const slow = await ch.run('relay', { call: { action: 'slow', args: { ms: 60_000 } } }, 1.5);
    // Both deadlines are the same instant: plugd's answer to the caller is ACTION_TIMEOUT, or
    // the relay's own answer carrying the callee's ACTION_TIMEOUT when it got in first.
    expect(errorId(slow) ?? errorId(relayed(slow))).toBe('ACTION_TIMEOUT');
    expect(Date.now() - began).toBeLessThan(15_000);
    const inner = ch.events('action').find((e) => e.plugin === 'callee' && e.type === 'slow') ?? (await ch.next('action', (e) => e.plugin === 'callee', 10_000));
    expect(inner.outcome).toBe('ACTION_TIMEOUT');
    expect(relayed(await ch.run('relay', { call: { action: 'echo', args: { text: 'after' } } })).content).toBe('callee:after');
    expect(ch.status('py-caller').pid).toBe(pid);
  }, 90_000);

  it('declares idempotent types in initialize: plugd runs a Python action it crashed under once more', async () => {
    ch = new ComposeHarness({ plugins: [{ name: 'py-sdk', command: ['python3', FIXTURE], restart: FAST_RESTART, timeouts: FAST_TIMEOUTS }] });
    await ch.supervisor.start();
    expect(ch.status('py-sdk').idempotent).toEqual(['shout', 'crash_once', { action: 'sleep', args: { seconds: [0] } }]);
    const answer = await ch.run('crash_once', { marker: join(ch.dir, 'crashed') });
    expect(answer).toMatchObject({ observation: 'crash_once', content: 'second try' });
    expect(ch.events('retry')).toHaveLength(1);
  }, 90_000);
});
