/**
 * The Node gate file itself, run by real Node processes (no cgroup made: a child is
 * already in its parent's cgroups, so "the right cgroup" can be the test's own, and a
 * cgroup it is never moved to is the timeout).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseSelfCgroup } from '../src/containment/layout.js';
import { CGROUP_GATE_ENV, CGROUP_KILL_ENV, CGROUP_PID_ENV } from '../src/containment/wrap-command.js';

const GATE = fileURLToPath(new URL('../src/containment/node-gate.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'plugd-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This process's own cgroups, as the gate's variable names them: where its children already are. */
function ownCgroups(): [string, string][] {
  const own = parseSelfCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
  return [...(own.v2 !== undefined ? [['', own.v2] as [string, string]] : []), ...[...own.v1].slice(0, 2)];
}

/** Runs `code` (CommonJS, as -e) behind the gate; it prints what it sees as JSON. */
function gated(code: string, env: Record<string, string | undefined>) {
  const run = spawnSync(process.execPath, ['--require', GATE, '-e', code], { env: { PATH: process.env['PATH'], ...env } as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const report = `
  const { execFileSync } = require('node:child_process');
  const childEnv = execFileSync('env', { encoding: 'utf8' });
  console.log(JSON.stringify({ pid: process.pid, env: process.env, childEnv, execArgv: process.execArgv }));
`;

describe('the Node gate', () => {
  it('lets a process already in its cgroup run at once; removes its variable; PLUGD_CGROUP_PID is the process itself; a child inherits neither', () => {
    const spec = JSON.stringify({ cgroups: ownCgroups(), waitMs: 60_000 });
    const run = gated(report, { [CGROUP_GATE_ENV]: spec, [CGROUP_KILL_ENV]: '/sys/fs/cgroup/x/cgroup.kill' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const seen = JSON.parse(run.stdout) as { pid: number; env: Record<string, string>; childEnv: string; execArgv: string[] };
    expect(seen.env[CGROUP_GATE_ENV]).toBeUndefined();
    expect(seen.env[CGROUP_PID_ENV]).toBe(String(seen.pid));
    expect(seen.childEnv).not.toContain(CGROUP_GATE_ENV);
    expect(seen.execArgv.slice(0, 2)).toEqual(['--require', GATE]);
  });

  it('sets no PLUGD_CGROUP_PID without a kill file to go with it (as the sh wrapper)', () => {
    const run = gated(report, { [CGROUP_GATE_ENV]: JSON.stringify({ cgroups: ownCgroups(), waitMs: 60_000 }) });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { env: Record<string, string> }).env[CGROUP_PID_ENV]).toBeUndefined();
  });

  it('does nothing in a process without its variable: a child that inherited `--require` through fork()', () => {
    const child = `
      const { fork } = require('node:child_process');
      if (process.argv[2] === 'child') console.log('child ran ' + process.pid + ' ' + process.execArgv.join(' '));
      else fork(__filename, ['child'], { stdio: 'inherit' });
    `;
    const script = join(dir, 'forks.cjs');
    writeFileSync(script, child);
    const run = spawnSync(process.execPath, ['--require', GATE, script], {
      env: { PATH: process.env['PATH'], [CGROUP_GATE_ENV]: JSON.stringify({ cgroups: ownCgroups(), waitMs: 60_000 }) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^child ran \\d+ --require ${GATE}\\n$`));
  });

  it('holds the plugin until the deadline when it is never moved, then exits 125 with a clear line; no plugin code ran', () => {
    const marker = join(dir, 'ran');
    const spec = JSON.stringify({ cgroups: [['', '/plugd-test-never/x.g1']], waitMs: 300 });
    const started = Date.now();
    const run = gated(`require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`, { [CGROUP_GATE_ENV]: spec });
    expect(run.code).toBe(125);
    expect(run.stderr).toBe('plugd: cannot move the plugin into its cgroup (not in /plugd-test-never/x.g1 after 300 ms)\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a variable it cannot read (exit 125), rather than run the plugin unchecked', () => {
    const marker = join(dir, 'ran-bad');
    for (const spec of ['not json', '{"cgroups": [], "waitMs": 10}', '{"cgroups": [["", "/"]]}']) {
      const run = gated(`require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`, { [CGROUP_GATE_ENV]: spec });
      expect(run.code).toBe(125);
      expect(run.stderr).toMatch(/^plugd: cannot move the plugin into its cgroup \(PLUGD_CGROUP_GATE is not what plugd writes\)\n$/);
    }
    expect(existsSync(marker)).toBe(false);
  });
});
