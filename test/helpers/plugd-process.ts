/**
 * Runs the real `plugd` command (bin/plugd) as a child process: `startPlugd` spawns
 * `plugd start` and resolves with the URL from its `plugd listening on ...` log line;
 * `runPlugd` runs a command to its end. Call `stopAllPlugd()` in afterEach/afterAll.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Containment, DEFAULT_CONTAINMENT, silentLogger } from '@plugd/supervisor';
import { afterEach } from '@jest/globals';
import type { Supervisor } from '@plugd/supervisor';
import { isAlive } from './processes.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const PLUGD = join(REPO, 'bin', 'plugd');
export const FIXTURES = join(REPO, 'test', 'fixtures', 'plugins');
export const ECHO_ENTRY = join(REPO, 'plugins', 'echo', 'dist', 'index.js');

export interface PlugdExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface PlugdProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  stderr(): string;
  stdout(): string;
  /** The JSON log lines written to stderr so far. */
  logs(): Record<string, unknown>[];
  readonly exited: Promise<PlugdExit>;
  /** Resolves when stderr matches `pattern` (already, or later); rejects on exit or after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves once every plugin has answered initialize or failed its first start (the "plugins started" log line). */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit. */
  stop(signal?: NodeJS.Signals): Promise<PlugdExit>;
}

export interface PlugdOptions {
  /** Added to (or, with `undefined`, removed from) this process's environment. */
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** How long to wait for the `plugd listening on` line (default 30 s). */
  readonly timeoutMs?: number;
}

const running = new Set<ChildProcess>();

function spawnPlugd(args: readonly string[], options: PlugdOptions) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...options.env })) if (value !== undefined) env[key] = value;
  const child = spawn(process.execPath, [PLUGD, ...args], { cwd: options.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<PlugdExit>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8') };
}

function parseLogs(text: string): Record<string, unknown>[] {
  const logs: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line: not yet complete
    }
  }
  return logs;
}

/** Spawns `plugd start ARGS` (add `--port 0`) and resolves once it logs the URL it listens on. */
export function startPlugd(args: readonly string[], options: PlugdOptions = {}): Promise<PlugdProcess> {
  const p = spawnPlugd(['start', ...args], options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise<PlugdProcess>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no "plugd listening on" line within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`plugd start ${args.join(' ')}: ${why}\nstderr:\n${p.stderr()}`));
    };
    const onData = () => {
      const match = /"msg":"plugd listening on (http:\/\/[^"]+)"/.exec(p.stderr());
      if (!match) return;
      cleanup();
      const url = match[1]!;
      resolve({
        child: p.child,
        pid: p.child.pid!,
        url,
        stderr: p.stderr,
        stdout: p.stdout,
        logs: () => parseLogs(p.stderr()),
        exited: p.exited,
        waitForStderr: (pattern, ms) => waitForOutput(p.child, p.stderr, pattern, ms),
        ready: (ms) => waitForOutput(p.child, p.stderr, /"msg":"plugins started"/, ms),
        stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
          return p.exited;
        },
      });
    };
    const onExit = (exit: PlugdExit) => fail(`exited (code ${exit.code}, signal ${exit.signal}) before listening`);
    const cleanup = () => {
      clearTimeout(timer);
      p.child.stderr!.off('data', onData);
    };
    p.child.stderr!.on('data', onData);
    void p.exited.then(onExit);
  });
}

function waitForOutput(child: ChildProcess, text: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!pattern.test(text())) return false;
      done();
      resolve();
      return true;
    };
    const onExit = () => {
      if (check()) return;
      done();
      reject(new Error(`plugd exited before its stderr matched ${pattern}\nstderr:\n${text()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`plugd's stderr did not match ${pattern} within ${timeoutMs} ms\nstderr:\n${text()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      child.off('close', onExit);
    };
    // the helper's own 'data' listener was added first, so text() already holds this chunk
    const onData = () => void check();
    if (check()) return;
    child.stderr!.on('data', onData);
    child.once('close', onExit);
  });
}

export interface PlugdRun extends PlugdExit {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `plugd ARGS` to its end (killed after `timeoutMs`, default 60 s). */
export async function runPlugd(args: readonly string[], options: PlugdOptions = {}): Promise<PlugdRun> {
  const p = spawnPlugd(args, options);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exit = await p.exited;
  clearTimeout(timer);
  return { ...exit, stdout: p.stdout(), stderr: p.stderr() };
}

/** How long a plugd stopped after a test gets to stop itself (and remove its cgroups) before SIGKILL. */
const STOP_GRACE_MS = 10_000;

/**
 * Stops every plugd still running from here: SIGTERM first, so it stops its plugins and
 * removes its cgroups as a user's plugd would, SIGKILL after STOP_GRACE_MS. Then removes
 * what a plugd killed with SIGKILL (here, or by a test) left in the cgroup tree, as the
 * next `plugd start` would: its cgroups in a v1 hierarchy sit under this process's own
 * cgroup there, where no later run may look.
 */
export async function stopAllPlugd(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      return closed.finally(() => clearTimeout(timer));
    }),
  );
  await removeCgroupsOfDeadPlugds();
}

/**
 * The Supervisors a test file starts (push them): after each test every one is stopped,
 * and every plugd process with them (stopAllPlugd), also when the test failed.
 */
export function stoppedAfterEach(): Supervisor[] {
  const running: Supervisor[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    await stopAllPlugd();
  });
  return running;
}

/** The product's own cleanup of dead plugds' cgroups (default `cgroupName`), then its own instance removed. */
async function removeCgroupsOfDeadPlugds(): Promise<void> {
  const sweeper = new Containment(DEFAULT_CONTAINMENT, silentLogger());
  await sweeper.prepare();
  await sweeper.close();
}

/** A fresh temporary folder; `write(name, json)` puts a file in it. `remove()` in afterAll. */
export function tempDir(prefix = 'plugd-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name: string) => join(dir, name),
    write(name: string, content: unknown): string {
      const file = join(dir, name);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: any;
  readonly text: string;
  readonly headers: Headers;
}

/** One HTTP request to plugd; the body is parsed as JSON when it is JSON. */
export async function http(url: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const response = await fetch(new URL(path, url), {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** True while `pid` runs (not a zombie); see processes.ts. */
export const pidAlive = isAlive;

/**
 * Waits until none of `pids` runs: an unrelated pid announces no event, so this
 * polls every 50 ms up to `timeoutMs` (default 10 s). Resolves with those still alive.
 */
export async function waitGone(pids: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(pidAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(pidAlive);
  }
  return alive;
}
