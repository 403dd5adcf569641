/**
 * Hostile output: stray stdout, oversize frames, garbage frames, bad JSON, stderr
 * floods, and children left behind. One fixture each; real processes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { errorId, expectAllGone, harness, isAlive, nodeFixture } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.stopAndCheck();
  h = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs one action on a freshly started plugin and expects PROTOCOL_ERROR, then a restart. */
async function expectProtocolError(hh: Harness, name: string, action: string, args: Record<string, unknown>): Promise<string> {
  await hh.supervisor.start();
  const firstPid = hh.status(name).pid!;
  const exit = hh.next('exit', (e) => e.pid === firstPid);
  const ready = hh.next('ready', (e) => e.plugin === name && e.generation === 2);
  const o = await hh.run(action, args);
  expect(errorId(o)).toBe('PROTOCOL_ERROR');
  expect(Object.keys(o.extras)).toEqual(['error_id']);
  const e = await exit;
  expect(e.reason).toBe('protocol-error');
  await ready;
  expect(hh.status(name)).toMatchObject({ state: 'ready', generation: 2, restarts: 1 });
  expect(hh.status(name).lastExit).toMatchObject({ reason: 'protocol-error' });
  expect(isAlive(firstPid)).toBe(false);
  return o.content;
}

describe('stdout that is not a frame', () => {
  it('before initialize: the start fails quoting the bytes, and it is restarted', async () => {
    h = harness([{ name: 'careless', command: nodeFixture('stdout-hello.mjs') }]);
    const failedStart = h.next('start_failed');
    const restart = h.next('restart');
    await h.supervisor.start();
    const f = await failedStart;
    expect(f.error).toContain('hello from a careless plugin');
    expect(f.error).toMatch(/broke the protocol/);
    await restart;
    expect(h.status('careless').lastError).toContain('hello from a careless plugin');
    expect(h.status('careless').restarts).toBeGreaterThanOrEqual(1);
  });

  it('mid-action: in-flight actions get PROTOCOL_ERROR quoting the first bytes', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    await h.supervisor.start();
    const sleeper = h.run('sleep', { ms: 60_000 });
    const content = await expectProtocolError(h, 'b', 'stdout', { text: 'hello from a careless plugin\n' });
    expect(content).toContain('hello from a careless plugin');
    expect(content).toMatch(/print logs to stderr/);
    const other = await sleeper;
    expect(errorId(other)).toBe('PROTOCOL_ERROR');
    expect(other.content).toContain('hello from a careless plugin');
  });
});

describe('oversize frames', () => {
  it('a header announcing 2 GB is refused at once (giant-frame.mjs)', async () => {
    h = harness([{ name: 'giant', command: nodeFixture('giant-frame.mjs') }]);
    const content = await expectProtocolError(h, 'giant', 'echo', { text: 'x' });
    expect(content).toMatch(/frame of 2000000000 bytes is over the limit/);
    expect(content).toContain('Content-Length: 2000000000');
  });

  it('an SDK plugin never sends a result over maxFrameBytes: that action alone gets PLUGIN_ERROR, the others in flight finish, no restart (behave giant)', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs'), maxFrameBytes: 64 * 1024 }]);
    await h.supervisor.start();
    const pid = h.status('b').pid;
    const sleeper = h.run('sleep', { ms: 300 });
    const o = await h.run('giant', { bytes: 200 * 1024 });
    expect(errorId(o)).toBe('PLUGIN_ERROR');
    expect(o.content).toMatch(/the observation of "giant" is 2048\d\d bytes, over the frame limit of 65536 bytes, so it was not sent/);
    expect((await sleeper).content).toBe('slept');
    expect((await h.run('giant', { bytes: 1000 })).content).toHaveLength(1000);
    expect(h.status('b')).toMatchObject({ state: 'ready', pid, generation: 1, restarts: 0 });
    expect(h.events('exit')).toEqual([]);
  });
});

describe('frames that are not JSON-RPC', () => {
  it('garbage after a truncated frame (garbage-frames.mjs)', async () => {
    h = harness([{ name: 'garbage', command: nodeFixture('garbage-frames.mjs') }]);
    const content = await expectProtocolError(h, 'garbage', 'echo', { text: 'x' });
    expect(content).toMatch(/not JSON|header line/);
    expect(content).toContain('{\\"a\\":');
  });

  it('a framed body that is not JSON (bad-json.mjs)', async () => {
    h = harness([{ name: 'bad', command: nodeFixture('bad-json.mjs') }]);
    const content = await expectProtocolError(h, 'bad', 'echo', { text: 'x' });
    expect(content).toMatch(/frame body is not JSON/);
    expect(content).toContain('this is {not json');
  });
});

describe('stderr floods', () => {
  it('many MiB of stderr never stall the plugin; only a bounded tail is kept', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    let lines = 0;
    let longest = 0;
    h.supervisor.on('stderr', (e) => {
      lines += 1;
      longest = Math.max(longest, e.line.length);
    });
    await h.supervisor.start();
    const o = await h.run('stderr', { mb: 24 }, 120);
    expect(o).toMatchObject({ observation: 'stderr', content: 'flooded' });
    // 24 MiB in 64 KiB lines: 384 lines, each cut short
    expect(lines).toBeGreaterThanOrEqual(384);
    expect(longest).toBeLessThan(2_100);
    expect(await h.run('echo', { text: 'still here' })).toMatchObject({ content: 'still here' });
    expect(h.status('b')).toMatchObject({ state: 'ready', generation: 1, restarts: 0 });
    // the crash report keeps only the tail
    const exit = h.next('exit');
    await h.run('crash', { code: 5 });
    const e = await exit;
    expect(e.stderrTail.length).toBeLessThanOrEqual(50);
    expect(e.stderrTail.every((l) => l.length < 2_100)).toBe(true);
  });
});

describe('children left behind', () => {
  function pidFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'plugd-grandchild-'));
    dirs.push(dir);
    return join(dir, 'pid');
  }
  const readPid = (file: string) => Number(readFileSync(file, 'utf8'));

  it('a grandchild is killed with its process group on stop (grandchild.mjs)', async () => {
    const file = pidFile();
    h = harness([{ name: 'gc', command: nodeFixture('grandchild.mjs'), env: { FIXTURE_PID_FILE: file } }]);
    await h.supervisor.start();
    expect(await h.run('echo', { text: 'x' })).toMatchObject({ content: 'x' });
    const grandchild = readPid(file);
    expect(isAlive(grandchild)).toBe(true);
    await h.supervisor.stop();
    await expectAllGone([grandchild, ...h.pids]);
  });

  it('a grandchild is killed on restart, and the new generation has its own', async () => {
    const file = pidFile();
    h = harness([{ name: 'gc', command: nodeFixture('grandchild.mjs'), env: { FIXTURE_PID_FILE: file } }]);
    await h.supervisor.start();
    const first = readPid(file);
    expect(isAlive(first)).toBe(true);
    const status = await h.supervisor.restart('gc');
    expect(status).toMatchObject({ state: 'ready', generation: 2 });
    await expectAllGone([first]);
    const second = readPid(file);
    expect(second).not.toBe(first);
    expect(isAlive(second)).toBe(true);
    await h.supervisor.stop();
    await expectAllGone([second]);
  });

  it('a child spawned by an action is killed when the plugin crashes (behave spawn)', async () => {
    h = harness([{ name: 'b', command: nodeFixture('behave.mjs') }]);
    await h.supervisor.start();
    const o = await h.run('spawn');
    const child = Number(o.content);
    expect(isAlive(child)).toBe(true);
    const ready = h.next('ready', (e) => e.generation === 2);
    expect(errorId(await h.run('crash', { signal: 'SIGKILL' }))).toBe('PLUGIN_CRASHED');
    await expectAllGone([child]);
    await ready;
  });
});
