/**
 * Trace logs and observability, end to end over real plugin processes: exact frames in
 * trace files at `messages` and `verbose`, redaction in traces and logs, stderr and
 * plugd/log in the log, the crash report, run-time level changes over HTTP,
 * GET /events (SSE) and GET /metrics.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { TraceRecord } from '@plugd/supervisor';
import { CHATTY, ECHO, FAST_RESTART, PLUGD, QUIET_TIMEOUTS, eventually, openSse, readTrace, scratch, withServer } from '../helpers/observability.js';
import type { SseClient } from '../helpers/observability.js';

let sse: SseClient[] = [];

afterEach(async () => {
  for (const s of sse) s.close();
  await cleanup();
  sse = [];
});

const { tmp, start, cleanup } = scratch('plugd-trace-');

const echo = (text: string, extra: Record<string, unknown> = {}) => ({ action: 'echo', args: { text, ...extra } });
const shape = (r: TraceRecord) => [r.dir, r.kind, r.method, r.id ?? null];

/** The frames of start, two echo actions and a graceful stop, as [dir, kind, method, id]. */
const EXPECTED_SEQUENCE = [
  ['out', 'request', 'initialize', 1],
  ['in', 'response', 'initialize', 1],
  ['out', 'notification', 'initialized', null],
  ['out', 'request', 'run', 2],
  ['in', 'response', 'run', 2],
  ['out', 'request', 'run', 3],
  ['in', 'response', 'run', 3],
  ['out', 'request', 'shutdown', 4],
  ['in', 'response', 'shutdown', 4],
  ['out', 'notification', 'exit', null],
];

describe('trace files', () => {
  it('at messages: exactly the frames exchanged, with direction, method, id, duration and size, no bodies', async () => {
    const file = join(tmp(), 'echo.jsonl');
    const o = start({ plugins: [{ name: 'echo', command: ECHO, timeouts: QUIET_TIMEOUTS, trace: { level: 'messages', file } }] });
    await o.supervisor.start();
    const pid = o.supervisor.plugin('echo')!.pid;
    await expect(o.supervisor.execute(echo('one'))).resolves.toMatchObject({ content: 'one' });
    await expect(o.supervisor.execute(echo('two'))).resolves.toMatchObject({ content: 'two' });
    await o.supervisor.stop();

    const records = readTrace(file).filter((r) => r.method !== '$/ping');
    expect(records.map(shape)).toEqual(EXPECTED_SEQUENCE);
    for (const r of records) {
      expect(Object.keys(r).sort()).toEqual(
        ['time', 'plugin', 'pid', 'generation', 'dir', 'kind', 'method', 'bytes', ...(r.id !== undefined ? ['id'] : []), ...(r.kind === 'response' ? ['durationMs'] : [])].sort(),
      );
      expect(r).toMatchObject({ plugin: 'echo', pid, generation: 1 });
      expect(r.bytes).toBeGreaterThan(30);
      expect(Number.isNaN(Date.parse(r.time))).toBe(false);
      if (r.kind === 'response') expect(r.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('at verbose: params and results too, sizes exact, secrets redacted', async () => {
    const file = join(tmp(), 'echo.jsonl');
    const o = start({
      plugins: [{ name: 'echo', command: ECHO, config: { token: 't0ps3cret', region: 'eu' }, timeouts: QUIET_TIMEOUTS, trace: { level: 'verbose', file } }],
    });
    await o.supervisor.start();
    await o.supervisor.execute(echo('one', { api_key: 'sk-live-123' }));
    await o.supervisor.execute(echo('two', { nested: { Password: 'pw', keep: 'visible' } }));
    await o.supervisor.stop();

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('t0ps3cret');
    expect(text).not.toContain('sk-live-123');
    expect(text).not.toMatch(/"pw"/);
    const records = readTrace(file).filter((r) => r.method !== '$/ping');
    expect(records.map(shape)).toEqual(EXPECTED_SEQUENCE);
    const [init, initOk, initialized, run1, ok1, run2, ok2, shutdown, shutdownOk, exit] = records as [TraceRecord, ...TraceRecord[]];
    expect(init.params).toEqual({ protocolVersion: 1, name: 'echo', username: expect.any(String), config: { token: '[REDACTED]', region: 'eu' }, trace: 'verbose', maxFrameBytes: 33554432 });
    expect(initOk!.result).toEqual({ name: 'echo', version: '1.0.0', protocolVersion: 1, actions: ['echo'], capabilities: { concurrency: 64, progress: true }, framing: ['ndjson', 'content-length'] });
    expect(initialized!.params).toEqual({ framing: 'ndjson' });
    expect(run1!.params).toEqual({ action: { action: 'echo', args: { text: 'one', api_key: '[REDACTED]' } }, timeoutMs: expect.any(Number) });
    expect(ok1!.result).toEqual({ observation: 'echo', content: 'one', extras: {} });
    expect(run2!.params).toMatchObject({ action: { args: { text: 'two', nested: { Password: '[REDACTED]', keep: 'visible' } } } });
    expect(ok2!.result).toEqual({ observation: 'echo', content: 'two', extras: {} });
    expect(shutdown!.params).toEqual({});
    expect(shutdownOk!.result).toBeNull();
    expect(exit!.params).toEqual({});
    // The size is that of the JSON message on the wire (responses: no secrets, so exact).
    for (const r of [initOk!, ok1!, ok2!, shutdownOk!]) {
      expect(r.bytes).toBe(Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id: r.id, result: r.result })));
    }
    expect(exit!.bytes).toBe(Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', method: 'exit', params: {} })));
  });

  it('at off: no listener, no file; the level changes at run time over PUT /trace without a restart', async () => {
    const dir = tmp();
    const o = start({ traceDir: dir, plugins: [{ name: 'echo', command: ECHO, timeouts: QUIET_TIMEOUTS }] });
    const url = await withServer(o);
    await o.supervisor.start();
    const file = join(dir, 'echo.trace.jsonl');
    await o.supervisor.execute(echo('dark'));
    await o.supervisor.trace.flush();
    expect(existsSync(file)).toBe(false);
    const pid = o.supervisor.plugin('echo')!.pid;

    const put = (body: unknown) => fetch(`${url}/trace`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const on = await put({ level: 'messages', plugin: 'echo' });
    expect(on.status).toBe(200);
    await expect(on.json()).resolves.toEqual({ plugins: [{ name: 'echo', level: 'messages', file }] });
    await o.supervisor.execute(echo('lit'));
    await o.supervisor.trace.flush();
    expect(readTrace(file).filter((r) => r.method !== '$/ping').map(shape)).toEqual([
      ['out', 'request', 'run', 3],
      ['in', 'response', 'run', 3],
    ]);
    expect((await put({ level: 'verbose' })).status).toBe(200);
    await o.supervisor.execute(echo('loud'));
    expect((await put({ level: 'off' })).status).toBe(200);
    await o.supervisor.execute(echo('dark again'));
    await o.supervisor.trace.flush();
    const records = readTrace(file).filter((r) => r.method !== '$/ping');
    expect(records.map(shape)).toEqual([
      ['out', 'request', 'run', 3],
      ['in', 'response', 'run', 3],
      ['out', 'request', 'run', 4],
      ['in', 'response', 'run', 4],
    ]);
    expect(records[3]!.result).toMatchObject({ content: 'loud' });
    // Same process throughout: no restart.
    expect(o.supervisor.plugin('echo')).toMatchObject({ pid, generation: 1, restarts: 0 });

    expect((await put({ level: 'loud' })).status).toBe(400);
    expect((await put({ level: 'messages', plugin: 'nope' })).status).toBe(404);
    const bad = await fetch(`${url}/trace`, { method: 'PUT', body: '{not json' });
    expect(bad.status).toBe(400);
    const got = await fetch(`${url}/trace`);
    await expect(got.json()).resolves.toEqual({ plugins: [{ name: 'echo', level: 'off', file }] });
  });

  it('plugd trace-level changes a running plugd and prints the levels', async () => {
    const o = start({ plugins: [{ name: 'echo', command: ECHO, timeouts: QUIET_TIMEOUTS }] });
    const url = await withServer(o);
    await o.supervisor.start();
    const set = await execa('node', [PLUGD, 'trace-level', 'verbose', '--plugin', 'echo', '--url', url], { reject: false });
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toBe('PLUGIN  TRACE    FILE\necho    verbose  (log)');
    expect(o.supervisor.trace.level('echo')).toBe('verbose');
    const bad = await execa('node', [PLUGD, 'trace-level', 'loud', '--url', url], { reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('off, messages, verbose');
    const unknown = await execa('node', [PLUGD, 'trace-level', 'off', '--plugin', 'nope', '--url', url], { reject: false });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no plugin named "nope"');
  });

  it('plugd status shows state, pid, uptime, restarts, actions handled, error rate, p50/p99 latency, memory, CPU and processes', async () => {
    const o = start({ plugins: [{ name: 'echo', command: ECHO, timeouts: QUIET_TIMEOUTS }] });
    const url = await withServer(o);
    await o.supervisor.start();
    for (let i = 0; i < 4; i++) await o.supervisor.execute(echo(`s${i}`));
    const pid = o.supervisor.plugin('echo')!.pid;
    const out = await execa('node', [PLUGD, 'status', '--url', url]);
    const [header, row] = out.stdout.split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['PLUGIN', 'STATE', 'PID', 'GEN', 'UPTIME', 'RESTARTS', 'ACTIONS', 'ERRORS', 'P50', 'P99', 'MEM', 'CPU', 'PROCS', 'LAST ERROR']);
    expect(row!.split(/\s{2,}/)).toEqual(['echo', 'ready', String(pid), '1', expect.stringMatching(/^\d+s$/), '0', '4', '0.0%', expect.stringMatching(/^\d+ms$/), expect.stringMatching(/^\d+ms$/), expect.stringMatching(/^\d+\.\dMiB$/), expect.stringMatching(/^\d+\.\d\ds$/), '1']);
  });
});

describe('logs', () => {
  it('every stderr line and plugd/log notification is in the log with plugin, pid and generation; secrets redacted', async () => {
    const o = start({ plugins: [{ name: 'chatty', command: CHATTY, timeouts: QUIET_TIMEOUTS }] });
    await o.supervisor.start();
    const pid = o.supervisor.plugin('chatty')!.pid;
    const stderrSeen = o.next('stderr', (e) => e.line === 'said: hello');
    const logSeen = o.next('log', (e) => e.message === 'log: careful');
    await o.supervisor.execute({ action: 'say', args: { text: 'hello' } });
    await o.supervisor.execute({ action: 'say', args: { text: 'careful', level: 'warn' } });
    await Promise.all([stderrSeen, logSeen]);

    expect(o.logs).toContainEqual(expect.objectContaining({ level: 30, plugin: 'chatty', pid, generation: 1, stream: 'stderr', msg: 'said: hello' }));
    const warn = o.logs.find((l) => l.msg === 'log: careful');
    expect(warn).toMatchObject({ level: 40, plugin: 'chatty', pid, generation: 1, stream: 'plugd/log' });
    expect(warn!['data']).toEqual({ password: '[REDACTED]', n: 1, nested: { api_key: '[REDACTED]' } });
    expect(o.logs.find((l) => l.msg === 'log: hello')).toMatchObject({ level: 30 });
    expect(JSON.stringify(o.logs)).not.toContain('hunter2');
    expect(JSON.stringify(o.logs)).not.toContain('sk-live-1');
  });

  it('a crash is ONE error entry with exit code, uptime, last stderr lines and the last frames', async () => {
    const o = start({ trace: 'messages', plugins: [{ name: 'chatty', command: CHATTY, timeouts: QUIET_TIMEOUTS, restart: FAST_RESTART }] });
    await o.supervisor.start();
    const pid = o.supervisor.plugin('chatty')!.pid;
    await o.supervisor.execute({ action: 'say', args: { text: 'before' } });
    const exited = o.next('exit', (e) => e.pid === pid);
    const observation = await o.supervisor.execute({ action: 'die', args: { code: 3 } });
    expect(observation).toMatchObject({ observation: 'error', extras: { error_id: 'PLUGIN_CRASHED' } });
    await exited;

    const errors = o.logs.filter((l) => l.level >= 50 && l['plugin'] === 'chatty');
    expect(errors).toHaveLength(1);
    const report = errors[0]!;
    expect(report).toMatchObject({ pid, generation: 1, code: 3, signal: null, reason: 'exited' });
    expect(report['uptimeMs']).toEqual(expect.any(Number));
    expect(report['stderr']).toEqual(expect.arrayContaining(['said: before', 'dying now']));
    const frames = report['lastFrames'] as TraceRecord[];
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThanOrEqual(8);
    expect(frames.at(-1)).toMatchObject({ dir: 'out', kind: 'request', method: 'run', generation: 1 });
    // With no trace file, traced frames go to the log at info.
    expect(o.logs.filter((l) => l.msg === 'frame -> run' && l.level === 30).length).toBeGreaterThanOrEqual(2);
  });
});

describe('HTTP: /events and /metrics', () => {
  it('GET /events streams action and restart events (SIGKILL of the plugin), heartbeats, and cleans up on disconnect', async () => {
    const o = start({ plugins: [{ name: 'echo', command: ECHO, timeouts: QUIET_TIMEOUTS, restart: FAST_RESTART }] });
    const url = await withServer(o);
    await o.supervisor.start();
    const before = o.supervisor.listenerCount('restart');
    const beforeAction = o.supervisor.listenerCount('action');
    const client = await openSse(`${url}/events?heartbeatMs=50`);
    sse.push(client);
    await eventually(() => o.supervisor.listenerCount('restart') === before + 1, 5_000, 'SSE subscribed');

    await o.supervisor.execute(echo('over the wire'));
    const action = await client.until((e) => e.event === 'action');
    expect(action.data).toMatchObject({ plugin: 'echo', type: 'echo', outcome: 'ok', durationMs: expect.any(Number) });

    const pid = o.supervisor.plugin('echo')!.pid!;
    process.kill(pid, 'SIGKILL');
    const restart = await client.until((e) => e.event === 'restart');
    expect(restart.data).toMatchObject({ plugin: 'echo', attempt: 1 });
    await expect(client.until((e) => e.event === 'exit')).resolves.toMatchObject({ data: { plugin: 'echo', pid, signal: 'SIGKILL' } });
    await client.until((e) => e.event === 'ready' && (e.data as { generation: number }).generation === 2);
    await eventually(() => client.comments.some((c) => c.startsWith('heartbeat')), 5_000, 'a heartbeat');

    client.close();
    await eventually(() => o.supervisor.listenerCount('restart') === before && o.supervisor.listenerCount('action') === beforeAction, 5_000, 'SSE listeners removed');
  });

  it('GET /metrics counts match the actions sent (own registry, Prometheus text)', async () => {
    const o = start({ plugins: [{ name: 'echo', command: ECHO, timeouts: QUIET_TIMEOUTS, restart: FAST_RESTART }] });
    const url = await withServer(o);
    await o.supervisor.start();
    for (let i = 0; i < 5; i++) await o.supervisor.execute(echo(`n${i}`));
    await o.supervisor.execute({ action: 'echo', args: { text: 'late' }, timeout: 0.000001 }).catch(() => undefined);

    const restarted = o.next('ready', (e) => e.generation === 2);
    process.kill(o.supervisor.plugin('echo')!.pid!, 'SIGKILL');
    await restarted;
    await o.supervisor.reload('echo');

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (series: string): number | undefined => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const ok = value('plugd_actions_total{plugin="echo",type="echo",outcome="ok"}') ?? 0;
    const timedOut = value('plugd_actions_total{plugin="echo",type="echo",outcome="ACTION_TIMEOUT"}') ?? 0;
    expect(ok + timedOut).toBe(6);
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(value('plugd_action_duration_seconds_count{plugin="echo",type="echo"}')).toBe(6);
    expect(value('plugd_action_duration_seconds_bucket{le="+Inf",plugin="echo",type="echo"}')).toBe(6);
    expect(value('plugd_plugin_restarts_total{plugin="echo"}')).toBe(1);
    expect(value('plugd_plugin_reloads_total{plugin="echo",outcome="ok"}')).toBe(1);
    expect(value('plugd_plugin_up{plugin="echo"}')).toBe(1);
    expect(text).toContain('# TYPE plugd_action_duration_seconds histogram');
    // Not the global registry: a second supervisor counts on its own.
    const other = start({ plugins: [{ name: 'echo', command: ECHO, timeouts: QUIET_TIMEOUTS }] });
    expect(await other.supervisor.metrics.text()).not.toContain('plugd_actions_total{');
  });
});
