/** `plugd start --log-file F` reopens F on SIGUSR2: logrotate can rename it without copytruncate. */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { PLUGD, tempDir } from '../../test/helpers/plugd-process.js';

const tmp = tempDir();
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const closed = new Promise((resolve) => child!.once('close', resolve));
    child.kill('SIGKILL');
    await closed;
  }
  child = undefined;
});
afterAll(() => tmp.remove());

/** Waits until `file` has a line matching `pattern` (the process logs it; there is no other event to wait on). */
async function lineIn(file: string, pattern: RegExp, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const line = text.split('\n').find((l) => pattern.test(l));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in ${file} within ${ms} ms; it has:\n${text}`);
    if (child?.exitCode !== null) throw new Error(`plugd exited (${child?.exitCode}) before logging ${pattern}; ${file} has:\n${text}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('plugd start --log-file', () => {
  it('reopens the log file on SIGUSR2 after it was renamed, losing no line', async () => {
    const config = tmp.write('plugd.json', { plugins: [{ name: 'echo' }] });
    const log = tmp.path('plugd.log');
    child = spawn(process.execPath, [PLUGD, 'start', '-c', config, '--port', '0', '--log-file', log], { stdio: 'ignore' });
    await lineIn(log, /"msg":"plugins started"/);
    renameSync(log, `${log}.1`);
    child.kill('SIGUSR2');
    await lineIn(log, /"msg":"SIGUSR2: log file reopened"/);
    child.kill('SIGHUP');
    await lineIn(log, /"msg":"config reloaded: /); // SIGHUP is a config reload now
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child!.once('close', resolve));
    expect(code).toBe(0);
    const rotated = readFileSync(`${log}.1`, 'utf8');
    const fresh = readFileSync(log, 'utf8');
    expect(rotated).toMatch(/"msg":"plugd listening on http/);
    expect(rotated).not.toMatch(/SIGUSR2|SIGHUP|plugd stopped/);
    expect(fresh).toMatch(/"msg":"plugd stopped"/);
    expect(fresh.split('\n')[0]).toMatch(/SIGUSR2: log file reopened/);
  });
});
