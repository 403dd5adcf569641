/**
 * The negotiated framing over real processes and pipes: SDK plugins switch to
 * newline-delimited JSON after the handshake (actions, progress, logs, cancel,
 * plugd/execute, hot reload all work over it); a plugin that does not offer it stays on
 * Content-Length; a Content-Length frame written before `initialized` was read is
 * understood; a garbage line or an oversized line after negotiation is a protocol error.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { FAST_RESTART, QUIET_TIMEOUTS, REPO, eventually, readTrace, scratch } from '../helpers/observability.js';

const FIXTURES = `${REPO}test/fixtures/plugins/`;
const { tmp, start, cleanup } = scratch('plugd-framing-');

afterEach(cleanup);

const initializedParams = (file: string) => readTrace(file).filter((r) => r.method === 'initialized').map((r) => r.params);

describe('negotiated framing (real processes)', () => {
  it('an SDK plugin negotiates NDJSON and round-trips actions, progress, logs, cancel, plugd/execute and a hot reload', async () => {
    const dir = tmp();
    const trace = (name: string) => ({ level: 'verbose', file: join(dir, `${name}.jsonl`) });
    const o = start({
      plugins: [
        { name: 'b', command: ['node', `${FIXTURES}behave.mjs`], env: { FIXTURE_ACTIONS: 'echo,sleep,progress' }, timeouts: { ...QUIET_TIMEOUTS, cancelGraceMs: 5_000 }, restart: FAST_RESTART, trace: trace('b') },
        { name: 'c', command: ['node', `${FIXTURES}compose.mjs`], env: { FIXTURE_ACTIONS: 'call', FIXTURE_LOG: join(dir, 'compose.log') }, calls: ['echo'], timeouts: QUIET_TIMEOUTS, trace: trace('c') },
        { name: 'l', command: ['node', `${FIXTURES}leaky.mjs`], timeouts: QUIET_TIMEOUTS, trace: trace('l') },
      ],
    });
    await o.supervisor.start();

    await expect(o.supervisor.execute({ action: 'echo', args: { text: 'héllo ✓' } })).resolves.toMatchObject({ content: 'héllo ✓' });
    await expect(o.supervisor.execute({ action: 'progress', args: { ms: 60, every: 20 } })).resolves.toMatchObject({ content: 'done' });
    await expect(o.supervisor.execute({ action: 'leak', args: { text: 'a log line over ndjson' } })).resolves.toMatchObject({ content: 'ok' });
    await eventually(() => o.logs.some((l) => l['stream'] === 'plugd/log' && l.msg.includes('a log line over ndjson')), 10_000, 'the plugd/log line');
    // Cancel: the action times out, the supervisor sends $/cancelRequest, the plugin answers `cancelled` and stays.
    const pid = o.supervisor.plugin('b')!.pid;
    const timedOut = await o.supervisor.execute({ action: 'sleep', args: { ms: 60_000 }, timeout: 1 });
    expect(timedOut.observation).toBe('error');
    await expect(o.supervisor.execute({ action: 'call', args: { action: { action: 'echo', args: { text: 'via plugd/execute' } } } })).resolves.toMatchObject({ content: 'via plugd/execute' });
    expect(o.supervisor.plugin('b')!.pid).toBe(pid);

    await o.supervisor.reload('b');
    expect(o.supervisor.plugin('b')).toMatchObject({ state: 'ready', generation: 2 });
    await expect(o.supervisor.execute({ action: 'echo', args: { text: 'after reload' } })).resolves.toMatchObject({ content: 'after reload' });
    await o.supervisor.stop();

    const b = readTrace(join(dir, 'b.jsonl'));
    expect(initializedParams(join(dir, 'b.jsonl'))).toEqual([{ framing: 'ndjson' }, { framing: 'ndjson' }]);
    expect(initializedParams(join(dir, 'c.jsonl'))).toEqual([{ framing: 'ndjson' }]);
    expect(initializedParams(join(dir, 'l.jsonl'))).toEqual([{ framing: 'ndjson' }]);
    const methods = b.map((r) => `${r.dir} ${r.method}`);
    expect(methods).toEqual(expect.arrayContaining(['in plugd/progress', 'out $/cancelRequest']));
    const cancelled = b.find((r) => r.dir === 'in' && r.kind === 'response' && JSON.stringify(r.result ?? '').includes('cancelled'));
    expect(cancelled).toBeDefined();
    // Sizes stay those of the JSON message (a line without its newline).
    for (const r of b.filter((x) => x.dir === 'in' && x.kind === 'response')) {
      expect(r.bytes).toBe(Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id: r.id, result: r.result })));
    }
    const c = readTrace(join(dir, 'c.jsonl'));
    expect(c.map((r) => `${r.dir} ${r.kind} ${r.method}`)).toEqual(expect.arrayContaining(['in request plugd/execute', 'out response plugd/execute']));
  });

  it('a plugin that does not offer NDJSON stays on Content-Length (the hand-written Python plugin)', async () => {
    const file = join(tmp(), 'py.jsonl');
    const o = start({ plugins: [{ name: 'py', command: ['python3', `${FIXTURES}hand-written.py`], timeouts: QUIET_TIMEOUTS, trace: { level: 'verbose', file } }] });
    await o.supervisor.start();
    await expect(o.supervisor.execute({ action: 'py_echo', args: { text: 'still framed' } })).resolves.toMatchObject({ content: 'STILL FRAMED' });
    await expect(o.supervisor.execute({ action: 'py_echo', args: { text: 'twice' } })).resolves.toMatchObject({ content: 'TWICE' });
    await o.supervisor.stop();
    expect(initializedParams(file)).toEqual([{}]);
  });

  it('understands a Content-Length log frame written right after the initialize answer, before `initialized` was read', async () => {
    const o = start({ plugins: [{ name: 'w', command: ['node', `${FIXTURES}ndjson-wire.mjs`], timeouts: QUIET_TIMEOUTS, restart: FAST_RESTART }] });
    await o.supervisor.start();
    await expect(o.supervisor.execute({ action: 'echo', args: { text: 'in a line' } })).resolves.toMatchObject({ content: 'in a line' });
    await eventually(() => o.logs.some((l) => l['stream'] === 'plugd/log' && l.msg === 'logged before initialized'), 10_000, 'the early plugd/log line');
    expect(o.supervisor.plugin('w')).toMatchObject({ state: 'ready', generation: 1, restarts: 0 });
  });

  it('a garbage line after negotiation is a protocol violation naming what was wrong; the plugin is restarted', async () => {
    const o = start({ plugins: [{ name: 'w', command: ['node', `${FIXTURES}ndjson-wire.mjs`], env: { FIXTURE_MODE: 'garbage' }, timeouts: QUIET_TIMEOUTS, restart: FAST_RESTART }] });
    await o.supervisor.start();
    const exit = o.next('exit', (e) => e.plugin === 'w');
    const ready = o.next('ready', (e) => e.plugin === 'w' && e.generation === 2);
    const observation = await o.supervisor.execute({ action: 'echo', args: { text: 'x' } });
    expect((observation.extras as { error_id?: string }).error_id).toBe('PROTOCOL_ERROR');
    expect(observation.content).toContain('garbage that is not json');
    expect(observation.content).toMatch(/expected a "Name: value" header line or a JSON object line \(newline-delimited JSON, negotiated\) at a frame boundary/);
    expect(await exit).toMatchObject({ reason: 'protocol-error' });
    await ready;
  });

  it('an oversized line is refused before its newline arrives', async () => {
    const o = start({
      plugins: [{ name: 'w', command: ['node', `${FIXTURES}ndjson-wire.mjs`], env: { FIXTURE_MODE: 'oversized', FIXTURE_BYTES: String(300 * 1024) }, maxFrameBytes: 64 * 1024, timeouts: QUIET_TIMEOUTS, restart: FAST_RESTART }],
    });
    await o.supervisor.start();
    const exit = o.next('exit', (e) => e.plugin === 'w');
    const observation = await o.supervisor.execute({ action: 'echo', args: { text: 'x' } });
    expect((observation.extras as { error_id?: string }).error_id).toBe('PROTOCOL_ERROR');
    expect(observation.content).toMatch(/a line longer than maxFrameBytes \(65536 bytes\) with no newline/);
    expect(await exit).toMatchObject({ reason: 'protocol-error' });
  });
});
