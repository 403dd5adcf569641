/**
 * The CLI side of observability: `plugd trace` on a committed fixture (exact text, UTC),
 * its filters and --follow, and --log-file / --log-level of a real run.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { CHATTY, PLUGD, REPO } from '../helpers/observability.js';

const FIXTURE = `${REPO}test/fixtures/traces/sample.trace.jsonl`;
const EXPECTED = readFileSync(`${REPO}test/fixtures/traces/sample.trace.txt`, 'utf8');
// Local time must not leak into the output: a far-off zone proves --utc is honoured.
const env = { TZ: 'Pacific/Kiritimati' };

const children: ResultPromise[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === undefined || c.exitCode === null) c.kill('SIGKILL');
    await c.catch(() => undefined);
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plugd-trace-cli-'));
  dirs.push(dir);
  return dir;
}

describe('plugd trace', () => {
  it('pretty-prints a trace file: time, plugin, arrow, method, id, duration, size, preview', async () => {
    const out = await execa('node', [PLUGD, 'trace', '--utc', FIXTURE], { env });
    expect(out.stdout + '\n').toBe(EXPECTED);
    expect(out.stdout.split('\n')[3]).toBe('03:04:06.000 shell    → run #7 (118 B) {"action":{"action":"run","args":{"command":"ls -l"}},"timeoutMs":120000}');
  });

  it('shows local time without --utc', async () => {
    const out = await execa('node', [PLUGD, 'trace', FIXTURE], { env });
    // Kiritimati is UTC+14: 03:04 UTC is 17:04 there.
    expect(out.stdout.split('\n')[0]).toMatch(/^17:04:05\.006 echo +→ initialize #1/);
  });

  it('filters by --plugin and --method', async () => {
    const out = await execa('node', [PLUGD, 'trace', '--utc', '--plugin', 'shell', '--method', 'run', FIXTURE], { env });
    const expected = EXPECTED.split('\n').filter((l) => / shell +[→←] run /.test(l));
    expect(expected).toHaveLength(4);
    expect(out.stdout.split('\n')).toEqual(expected);
    const both = await execa('node', [PLUGD, 'trace', '--utc', '--method', 'initialize', '--method', 'initialized', FIXTURE], { env });
    expect(both.stdout.split('\n')).toHaveLength(3);
  });

  it('is a usage error (exit 2) for a missing file or a bad flag', async () => {
    const missing = await execa('node', [PLUGD, 'trace', '/nonexistent/x.jsonl'], { reject: false });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('no trace file');
    const bad = await execa('node', [PLUGD, 'trace', '--nope', FIXTURE], { reject: false });
    expect(bad.exitCode).toBe(2);
  });

  it('--follow prints what is appended, survives rotation, and stops on SIGINT with exit 0', async () => {
    const file = join(tmp(), 'live.jsonl');
    copyFileSync(FIXTURE, file);
    const child = execa('node', [PLUGD, 'trace', '--utc', '--follow', '--method', 'run', file], { env, reject: false });
    children.push(child);
    let stdout = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (stdout.includes(text)) {
            child.stdout!.off('data', onData);
            clearTimeout(timer);
            resolve();
          }
        };
        const onData = (chunk: Buffer) => {
          stdout += chunk.toString();
          check();
        };
        const timer = setTimeout(() => reject(new Error(`no "${text}" in: ${stdout}`)), 20_000);
        child.stdout!.on('data', onData);
        check();
      });
    await waitFor('→ run #3');
    const record = (id: number, at: string) => JSON.stringify({ time: at, plugin: 'echo', pid: 1, generation: 1, dir: 'out', kind: 'request', method: 'run', id, bytes: 10, params: { n: id } });
    appendFileSync(file, `${record(40, '2026-01-02T05:00:00.000Z')}\n`);
    await waitFor('05:00:00.000 echo     → run #40 (10 B) {"n":40}');
    // A half-written line waits for its end.
    const line = record(41, '2026-01-02T05:00:01.000Z');
    appendFileSync(file, line.slice(0, 20));
    appendFileSync(file, `${line.slice(20)}\n`);
    await waitFor('→ run #41');
    // Rotation: the file starts over smaller.
    writeFileSync(file, `${record(42, '2026-01-02T05:00:02.000Z')}\n`);
    await waitFor('→ run #42');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(stdout.split('\n').filter((l) => l.includes('#41'))).toHaveLength(1);
  });
});

describe('logs from the CLI', () => {
  it('--log-file gets JSON lines with every stderr line (plugin, pid, generation) and plugd/log at its level', async () => {
    const log = join(tmp(), 'plugd.log');
    const out = await execa('node', [PLUGD, 'exec', '--plugin', CHATTY.join(' '), '--log-file', log, '--log-level', 'debug', '{"action":"say","args":{"text":"via cli","level":"error"}}'], { reject: false });
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ observation: 'say', content: 'via cli' });
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const stderr = entries.find((e) => e['msg'] === 'said: via cli');
    expect(stderr).toMatchObject({ level: 30, plugin: 'chatty', generation: 1, stream: 'stderr', pid: expect.any(Number) });
    expect(entries.find((e) => e['msg'] === 'log: via cli')).toMatchObject({ level: 50, plugin: 'chatty', data: { password: '[REDACTED]' } });
    expect(readFileSync(log, 'utf8')).not.toContain('hunter2');
  });

  it('--log-level warn drops info lines', async () => {
    const log = join(tmp(), 'plugd.log');
    await execa('node', [PLUGD, 'exec', '--plugin', CHATTY.join(' '), '--log-file', log, '--log-level', 'warn', '{"action":"say","args":{"text":"quiet","level":"warn"}}']);
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.every((e) => (e['level'] as number) >= 40)).toBe(true);
    expect(entries.find((e) => e['msg'] === 'log: quiet')).toMatchObject({ level: 40 });
  });
});
