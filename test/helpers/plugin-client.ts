import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CancellationTokenSource, createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';

/** Repository root (this file is test/helpers/plugin-client.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ObservationLike {
  observation: string;
  content: string;
  extras: Record<string, any>;
  success?: boolean;
  message?: string;
}

export interface ActionLike {
  action: string;
  args?: Record<string, unknown>;
  timeout?: number;
  [key: string]: unknown;
}

export interface PluginClientOptions {
  /** Extra environment on top of PATH/HOME/... (e.g. PLUGD_PYTHON). */
  readonly env?: Record<string, string>;
  readonly config?: Record<string, unknown>;
  readonly cwd?: string;
  readonly username?: string;
}

/**
 * Drives a built-in plugin the way plugd does: `node plugins/<name>/dist/index.js`
 * with PLUGD_PROTOCOL=1 in its own process group, JSON-RPC over stdio.
 */
export class PluginClient {
  readonly stderr: string[] = [];
  readonly progress: { id: number | string; content: string }[] = [];
  private closed = false;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.stderr.push(chunk));
    connection.onNotification('plugd/progress', (params: { id: number | string; content: string }) => {
      this.progress.push(params);
    });
    connection.onNotification('plugd/log', () => undefined);
  }

  static spawn(name: string, options: PluginClientOptions = {}): PluginClient {
    const env: Record<string, string> = { PLUGD_PROTOCOL: '1' };
    for (const key of ['PATH', 'HOME', 'USER', 'LANG', 'TERM', 'SHELL', 'TMPDIR']) {
      const value = process.env[key];
      if (value !== undefined) env[key] = value;
    }
    const child = spawn(process.execPath, [join(REPO_ROOT, 'plugins', name, 'dist', 'index.js')], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stdin!.on('error', () => undefined);
    connection.onError(() => undefined);
    connection.listen();
    return new PluginClient(name, child, connection);
  }

  /** Spawns and initializes; rejects with the plugin's error message if initialize fails. */
  static async start(name: string, options: PluginClientOptions = {}): Promise<PluginClient> {
    const client = PluginClient.spawn(name, options);
    try {
      await client.initialize(options);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  async initialize(options: PluginClientOptions = {}): Promise<{ name: string; actions: string[]; capabilities?: { concurrency?: number } }> {
    const result = await this.connection.sendRequest<{ name: string; actions: string[] }>('initialize', {
      protocolVersion: 1,
      name: this.name,
      username: options.username ?? 'tester',
      config: options.config ?? {},
      trace: 'off',
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  run(action: ActionLike, timeoutMs?: number): Promise<ObservationLike> {
    const params = timeoutMs === undefined ? { action } : { action, timeoutMs };
    return this.connection.sendRequest<ObservationLike>('run', params);
  }

  /** Starts `run` with a way to cancel it ($/cancelRequest). */
  runCancellable(action: ActionLike, timeoutMs?: number): { result: Promise<ObservationLike>; cancel: () => void } {
    // vscode-jsonrpc sends $/cancelRequest with the request id when the token is cancelled.
    const source = new CancellationTokenSource();
    const params = timeoutMs === undefined ? { action } : { action, timeoutMs };
    const result = this.connection.sendRequest<ObservationLike>('run', params, source.token);
    return { result, cancel: () => source.cancel() };
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** shutdown + exit, then SIGKILL whatever is left of the plugin's process group. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        await withTimeout(this.connection.sendRequest('shutdown', {}), 3000);
        await this.connection.sendNotification('exit', {});
        await withTimeout(this.exited, 3000);
      } catch {
        // killed below
      }
    }
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // group already gone
    }
    this.connection.dispose();
    this.child.stdin?.destroy();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** True while some process of the group `pgid` exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it is true (for conditions with no event, e.g. a process gone). */
export async function eventually(check: () => boolean, timeoutMs = 10_000, stepMs = 25): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
