/**
 * The fixture plugins in test/fixtures/plugins, driven with vscode-jsonrpc directly (no
 * supervisor), so supervisor tests can rely on them behaving as documented.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { fixture, initializeParams, isAlive, killAllSpawned, spawnRaw, waitFor, within } from '../helpers/spawn-raw.js';

afterEach(async () => {
  await killAllSpawned();
});

const node = (file: string) => ['node', fixture(file)];
const run = (action: string, args: Record<string, unknown> = {}) => ({ action: { action, args } });

describe('behave.mjs', () => {
  it('answers initialize with its defaults and runs echo, version, pid', async () => {
    const p = spawnRaw(node('behave.mjs'));
    const init = await within(p.connection.sendRequest('initialize', initializeParams('behave')), 20_000, 'initialize');
    expect(init).toEqual({
      name: 'behave',
      version: '1',
      protocolVersion: 1,
      actions: ['echo', 'sleep', 'crash', 'block', 'progress', 'stdout', 'spawn', 'giant', 'stderr', 'version', 'pid'],
      capabilities: { concurrency: 8, progress: true },
      framing: ['ndjson', 'content-length'],
    });
    await expect(p.connection.sendRequest('run', run('echo', { text: 'hi there' }))).resolves.toEqual({
      observation: 'echo',
      content: 'hi there',
      extras: {},
    });
    await expect(p.connection.sendRequest('run', run('version'))).resolves.toMatchObject({ content: '1' });
    await expect(p.connection.sendRequest('run', run('pid'))).resolves.toMatchObject({ content: String(p.pid) });
  });

  it('takes name, version, actions and concurrency from env; unknown claimed names echo', async () => {
    const p = spawnRaw(node('behave.mjs'), {
      env: { FIXTURE_NAME: 'b2', FIXTURE_VERSION: '7', FIXTURE_ACTIONS: 'version,shout', FIXTURE_CONCURRENCY: '3' },
    });
    const init = await within(p.connection.sendRequest('initialize', initializeParams('b2')), 20_000, 'initialize');
    expect(init).toMatchObject({ name: 'b2', version: '7', actions: ['version', 'shout'], capabilities: { concurrency: 3 } });
    await expect(p.connection.sendRequest('run', run('shout', { text: 'x' }))).resolves.toMatchObject({ content: 'x' });
    await expect(p.connection.sendRequest('run', run('version'))).resolves.toMatchObject({ content: '7' });
  });

  it('fails initialize with FIXTURE_FAIL_INIT', async () => {
    const p = spawnRaw(node('behave.mjs'), { env: { FIXTURE_FAIL_INIT: 'no database' } });
    await expect(p.connection.sendRequest('initialize', initializeParams())).rejects.toThrow('no database');
  });

  it('sleep answers "cancelled" on $/cancelRequest, progress ticks, crash exits with the code', async () => {
    const p = spawnRaw(node('behave.mjs'));
    const progress: unknown[] = [];
    p.connection.onNotification('plugd/progress', (params) => void progress.push(params));
    await within(p.connection.sendRequest('initialize', initializeParams()), 20_000, 'initialize');
    const cts = new CancellationTokenSource();
    const sleeping = p.connection.sendRequest('run', run('sleep', { ms: 60_000 }), cts.token);
    await p.connection.sendRequest('$/ping', {}); // the run request is in the plugin by now
    cts.cancel();
    await expect(within(sleeping, 10_000, 'cancelled sleep')).resolves.toMatchObject({ content: 'cancelled' });
    await expect(p.connection.sendRequest('run', run('progress', { ms: 100, every: 20 }))).resolves.toMatchObject({ content: 'done' });
    expect(progress.map((params) => (params as { content: string }).content)).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
    p.connection.sendRequest('run', run('crash', { code: 7 })).catch(() => undefined);
    await expect(within(p.exited, 10_000, 'crash')).resolves.toEqual({ code: 7, signal: null });
  });

  it('giant, stderr, spawn, block and stdout do what they say', async () => {
    const p = spawnRaw(node('behave.mjs'));
    await within(p.connection.sendRequest('initialize', initializeParams()), 20_000, 'initialize');
    await expect(p.connection.sendRequest('run', run('giant', { bytes: 100_000 }))).resolves.toMatchObject({ content: 'x'.repeat(100_000) });
    await expect(p.connection.sendRequest('run', run('stderr', { mb: 0.5 }))).resolves.toMatchObject({ content: 'flooded' });
    await waitFor(() => p.stderr().length >= 512 * 1024, 10_000, '512 KiB of stderr');
    const spawned = (await p.connection.sendRequest('run', run('spawn'))) as { content: string };
    expect(isAlive(Number(spawned.content))).toBe(true);
    process.kill(Number(spawned.content), 'SIGKILL');
    const started = Date.now();
    await expect(p.connection.sendRequest('run', run('block', { ms: 300 }))).resolves.toMatchObject({ content: 'blocked' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const before = p.stdout().length;
    p.connection.sendRequest('run', run('stdout', { text: 'RAW-BYTES-ON-THE-WIRE' })).catch(() => undefined);
    await waitFor(() => p.stdout().subarray(before).includes('RAW-BYTES-ON-THE-WIRE'), 10_000, 'the raw bytes on stdout');
  });
});

describe('hand-written.py', () => {
  it('answers initialize, py_echo, $/ping, shutdown then exits 0 on exit', async () => {
    const p = spawnRaw(['python3', fixture('hand-written.py')]);
    const init = await within(p.connection.sendRequest('initialize', initializeParams('py')), 20_000, 'initialize');
    expect(init).toEqual({ name: 'py', version: '1.0', protocolVersion: 1, actions: ['py_echo'], capabilities: { concurrency: 1 } });
    await expect(p.connection.sendRequest('run', run('py_echo', { text: 'shout' }))).resolves.toEqual({
      observation: 'py_echo',
      content: 'SHOUT',
      extras: {},
    });
    await expect(p.connection.sendRequest('$/ping', {})).resolves.toEqual({});
    await expect(p.connection.sendRequest('shutdown', {})).resolves.toBeNull();
    await p.connection.sendNotification('exit', {});
    await expect(within(p.exited, 10_000, 'exit')).resolves.toEqual({ code: 0, signal: null });
  });

  it('exits on stdin EOF, and refuses to start without PLUGD_PROTOCOL', async () => {
    const p = spawnRaw(['python3', fixture('hand-written.py')]);
    await within(p.connection.sendRequest('initialize', initializeParams('py')), 20_000, 'initialize');
    p.child.stdin.end();
    await expect(within(p.exited, 10_000, 'exit on EOF')).resolves.toEqual({ code: 0, signal: null });

    const q = spawnRaw(['python3', fixture('hand-written.py')], { env: { PLUGD_PROTOCOL: undefined } });
    await expect(within(q.exited, 10_000, 'refusal')).resolves.toEqual({ code: 2, signal: null });
    expect(q.stderr().trim().split('\n')).toHaveLength(1);
    expect(q.stderr()).toContain('PLUGD_PROTOCOL');
  });
});

describe('misbehaving fixtures', () => {
  it('crash-on-start.mjs exits 3 with its message', async () => {
    const p = spawnRaw(node('crash-on-start.mjs'));
    await expect(within(p.exited, 10_000, 'exit')).resolves.toEqual({ code: 3, signal: null });
    expect(p.stderr()).toContain('boom: crash on start');
  });

  it('crash-after-init.mjs answers initialize, then exits 1', async () => {
    const p = spawnRaw(node('crash-after-init.mjs'));
    await expect(within(p.connection.sendRequest('initialize', initializeParams()), 20_000, 'initialize')).resolves.toMatchObject({
      actions: ['echo'],
    });
    await expect(within(p.exited, 10_000, 'exit')).resolves.toEqual({ code: 1, signal: null });
  });

  it('stdout-hello.mjs writes its greeting before the first frame', async () => {
    const p = spawnRaw(node('stdout-hello.mjs'));
    p.connection.sendRequest('initialize', initializeParams()).catch(() => undefined);
    await waitFor(() => p.stdout().includes('Content-Length'), 20_000, 'a frame after the greeting');
    expect(p.stdout().toString().startsWith('hello from a careless plugin\nContent-Length: ')).toBe(true);
  });

  it.each([
    ['garbage-frames.mjs', 'Content-Length: 5\r\n\r\n{"a":garbage that is not a header\r\n\r\n'],
    ['giant-frame.mjs', 'Content-Length: 2000000000\r\n\r\nxxxx'],
    ['bad-json.mjs', 'Content-Length: 17\r\n\r\nthis is {not json'],
  ])('%s answers initialize, then writes its bad frame on run', async (file, bad) => {
    const p = spawnRaw(node(file));
    await expect(within(p.connection.sendRequest('initialize', initializeParams()), 20_000, 'initialize')).resolves.toMatchObject({
      protocolVersion: 1,
      actions: ['echo'],
    });
    const before = p.stdout().length;
    p.connection.sendRequest('run', run('echo', { text: 'x' })).catch(() => undefined);
    await waitFor(() => p.stdout().subarray(before).includes(bad), 10_000, 'the bad frame');
    expect(p.stdout().subarray(before).toString().startsWith(bad)).toBe(true);
  });

  it('ignore-sigterm.mjs survives SIGTERM and stdin EOF, and never answers shutdown', async () => {
    const p = spawnRaw(node('ignore-sigterm.mjs'));
    await within(p.connection.sendRequest('initialize', initializeParams()), 20_000, 'initialize');
    await expect(p.connection.sendRequest('run', run('echo', { text: 'still here' }))).resolves.toMatchObject({ content: 'still here' });
    let shutdownAnswered = false;
    p.connection.sendRequest('shutdown', {}).then(() => (shutdownAnswered = true), () => undefined);
    p.child.kill('SIGTERM');
    await waitFor(() => p.stderr().includes('got SIGTERM'), 10_000, 'the SIGTERM note');
    await expect(p.connection.sendRequest('$/ping', {})).resolves.toEqual({});
    expect(shutdownAnswered).toBe(false);
    p.child.stdin.end();
    await waitFor(() => p.stderr().includes('stdin closed'), 10_000, 'the EOF note');
    expect(p.child.exitCode).toBeNull();
    expect(isAlive(p.pid)).toBe(true);
  });

  it('grandchild.mjs writes the pid of its live sleep child', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugd-fixture-'));
    try {
      const pidFile = join(dir, 'pid');
      const p = spawnRaw(node('grandchild.mjs'), { env: { FIXTURE_PID_FILE: pidFile }, detached: true });
      await within(p.connection.sendRequest('initialize', initializeParams()), 20_000, 'initialize');
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 10_000, 'the pid file');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(isAlive(pid)).toBe(true);
      p.child.stdin.end(); // the SDK kills its process group on EOF
      await within(p.exited, 10_000, 'exit');
      await waitFor(() => !isAlive(pid), 10_000, 'the grandchild to die');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('slow-start.mjs does not answer initialize before FIXTURE_START_DELAY_MS', async () => {
    const p = spawnRaw(node('slow-start.mjs'), { env: { FIXTURE_START_DELAY_MS: '1500' } });
    const started = Date.now();
    await within(p.connection.sendRequest('initialize', initializeParams()), 20_000, 'initialize');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});
