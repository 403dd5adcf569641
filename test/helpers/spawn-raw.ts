/**
 * Spawns a plugin process and talks to it with vscode-jsonrpc directly (no supervisor).
 * For tests of the SDK and of the fixture plugins. Every process started here is
 * remembered; call `killAllSpawned()` in afterEach.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

export const fixture = (file: string): string => FIXTURES_DIR + file;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RawPlugin {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Speaks JSON-RPC over the child's stdio; already listening. */
  readonly connection: MessageConnection;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Every byte the child wrote to stdout so far. */
  stdout(): Buffer;
  /** Resolves on the child's `exit` event. */
  readonly exited: Promise<Exit>;
}

export interface SpawnRawOptions {
  /** Extra environment, over a minimal one (PATH, HOME, PLUGD_PROTOCOL=1). `undefined` removes a key. */
  readonly env?: Record<string, string | undefined>;
  /** Lead its own process group, as plugd spawns plugins. */
  readonly detached?: boolean;
  readonly cwd?: string;
}

const spawned = new Set<ChildProcessWithoutNullStreams>();
const cleanups = new Set<() => void>();

export function spawnRaw(command: readonly string[], options: SpawnRawOptions = {}): RawPlugin {
  const env: Record<string, string> = {};
  const merged = { PATH: process.env.PATH, HOME: process.env.HOME, PLUGD_PROTOCOL: '1', ...options.env };
  for (const [key, value] of Object.entries(merged)) if (value !== undefined) env[key] = value;
  const [file, ...args] = command;
  if (!file) throw new Error('spawnRaw: empty command');
  const child = spawn(file, args, { env, cwd: options.cwd, detached: options.detached ?? false, stdio: 'pipe' });
  spawned.add(child);
  const stderr: Buffer[] = [];
  const stdout: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stdin.on('error', () => undefined); // EPIPE once the child is gone
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const reader = new StreamMessageReader(child.stdout);
  // vscode-jsonrpc's partial-frame timer re-arms itself forever and survives dispose()
  // (giant-frame.mjs leaves a partial frame): switch it off.
  reader.partialMessageTimeout = 0;
  const connection = createMessageConnection(reader, new StreamMessageWriter(child.stdin));
  connection.onError(() => undefined);
  connection.listen();
  cleanups.add(() => {
    connection.dispose();
    reader.dispose();
  });
  return {
    child,
    pid: child.pid ?? -1,
    connection,
    stderr: () => Buffer.concat(stderr).toString('utf8'),
    stdout: () => Buffer.concat(stdout),
    exited,
  };
}

/** SIGKILLs every process spawned here that is still running (and its group, if it leads one). */
export async function killAllSpawned(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of spawned) {
    spawned.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) continue;
    waits.push(new Promise((resolve) => child.once('exit', resolve)));
    try {
      process.kill(-child.pid!, 'SIGKILL'); // its group, when it leads one
    } catch {
      child.kill('SIGKILL');
    }
  }
  await Promise.all(waits);
  for (const cleanup of cleanups) {
    cleanups.delete(cleanup);
    cleanup();
  }
}

/** Initialize params a supervisor would send. */
export const initializeParams = (name = 'test') => ({
  protocolVersion: 1 as const,
  name,
  username: 'root',
  config: {},
  trace: 'off' as const,
});

export { isAlive } from './processes.js';

/** Polls `check` until it is true; throws after `timeoutMs`. For conditions no event announces. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with `promise`, or rejects after `ms` naming `what` (a readable failure instead of jest's timeout). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Splits bytes into LSP frames and throws on anything that is not one: proves a
 * stream carried nothing but protocol frames.
 */
export function parseFramesStrict(bytes: Buffer): unknown[] {
  const messages: unknown[] = [];
  let at = 0;
  while (at < bytes.length) {
    const sep = bytes.indexOf('\r\n\r\n', at);
    if (sep < 0) throw new Error(`not a frame at byte ${at}: ${JSON.stringify(bytes.subarray(at, at + 80).toString())}`);
    const header = bytes.subarray(at, sep).toString('ascii');
    const lines = header.split('\r\n');
    let length: number | undefined;
    for (const line of lines) {
      const m = /^([A-Za-z-]+): (.+)$/.exec(line);
      if (!m) throw new Error(`not a header line at byte ${at}: ${JSON.stringify(line.slice(0, 80))}`);
      if (m[1]!.toLowerCase() === 'content-length') length = Number(m[2]);
    }
    if (length === undefined || !Number.isInteger(length)) throw new Error(`frame without Content-Length at byte ${at}`);
    const body = bytes.subarray(sep + 4, sep + 4 + length);
    if (body.length < length) throw new Error(`truncated frame at byte ${at}`);
    messages.push(JSON.parse(body.toString('utf8')));
    at = sep + 4 + length;
  }
  return messages;
}
