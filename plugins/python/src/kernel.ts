import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { interruptBudgetMs, signalGroup, trackProcessGroup, within } from '@plugd/sdk';
import { driverPath, missingPythonMessage } from './interpreter.js';
import { readLines } from './lines.js';

export interface CellReply {
  readonly status: 'ok' | 'error' | 'interrupted';
  readonly output: string;
  readonly images: string[];
  readonly cwd: string;
  readonly executable: string;
}

export interface CellResult {
  /** 'done': the driver answered; 'timeout'/'cancelled': it was interrupted; 'died': the process ended. */
  readonly outcome: 'done' | 'timeout' | 'cancelled' | 'died';
  readonly reply?: CellReply;
  /** How hard the interrupt had to be. */
  readonly interrupt?: 'sigint' | 'restart';
  readonly detail?: string;
}

interface Ready {
  readonly ipython: boolean;
  readonly executable: string;
  readonly cwd: string;
}

/**
 * One persistent python process running kernel/driver.py. Requests and replies
 * are JSON lines on fds 3 and 4; user output never touches them.
 */
export class PythonKernel {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: CellReply) => void>();
  private died: Promise<string> = Promise.resolve('not started');
  private stderrTail = '';
  info: Ready | undefined;

  constructor(
    private readonly command: string,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  get alive(): boolean {
    return this.child !== undefined;
  }

  /** Starts the driver and waits for its hello; throws a clear message if python is missing. */
  async start(timeoutMs = 30_000): Promise<Ready> {
    const child = spawn(this.command, ['-u', driverPath()], {
      cwd: this.cwd,
      env: { ...this.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    // The kernel leads its own group (for interrupts): plugd is told, so it dies with the plugin.
    const untrack = trackProcessGroup(child.pid);
    this.stderrTail = '';
    const outside = (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    };
    child.stdout!.on('data', outside);
    child.stderr!.on('data', outside);
    (child.stdio[3] as Writable).on('error', () => undefined);
    let onReady!: (ready: Ready) => void;
    const ready = new Promise<Ready>((resolve) => (onReady = resolve));
    readLines(child.stdio[4] as Readable, (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.log(`python driver wrote a bad control line: ${line.slice(0, 200)}`);
        return;
      }
      if (message['ready']) {
        onReady(message as unknown as Ready);
        return;
      }
      const id = message['id'];
      const resolve = typeof id === 'number' ? this.waiting.get(id) : undefined;
      if (resolve && typeof id === 'number') {
        this.waiting.delete(id);
        resolve(message as unknown as CellReply);
      }
    });
    this.died = new Promise<string>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.child === child) this.child = undefined;
        resolve(error.code === 'ENOENT' ? missingPythonMessage(this.command, this.env) : `could not start ${this.command}: ${error.message}`);
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (!signalGroup(child.pid, 0)) untrack();
        // Let the last stderr arrive before quoting it.
        setTimeout(() => resolve(`python exited (${signal ?? `code ${code}`})${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`), 50);
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const tooSlow = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`python driver did not start within ${timeoutMs} ms`), timeoutMs)));
    const first = await Promise.race([ready, this.died, tooSlow]);
    clearTimeout(timer);
    if (typeof first === 'string') {
      this.kill();
      throw new Error(first);
    }
    this.info = first;
    return first;
  }

  /** Runs one cell; interrupts it (SIGINT, then a restart) at `timeoutMs` or on abort. */
  /** `cwd`: the directory to change to first (the shell's); a missing one is left as is. */
  async run(code: string, timeoutMs: number, deadline: number, signal?: AbortSignal, cwd?: string): Promise<CellResult> {
    if (!this.child) await this.start(Math.max(1000, deadline - Date.now() - 500));
    const child = this.child!;
    const id = ++this.nextId;
    const reply = new Promise<CellReply>((resolve) => this.waiting.set(id, resolve));
    (child.stdio[3] as Writable).write(JSON.stringify({ id, code, ...(cwd ? { cwd } : {}) }) + '\n');
    let timer: NodeJS.Timeout | undefined;
    const stop = new Promise<'timeout' | 'cancelled'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
      if (signal?.aborted) resolve('cancelled');
      signal?.addEventListener('abort', () => resolve('cancelled'), { once: true });
    });
    try {
      const first = await Promise.race([reply, stop, this.died]);
      if (typeof first === 'object') return { outcome: 'done', reply: first };
      if (first !== 'timeout' && first !== 'cancelled') return { outcome: 'died', detail: first };
      return { outcome: first, ...(await this.interrupt(child, reply, deadline)) };
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }

  private async interrupt(child: ChildProcess, reply: Promise<CellReply>, deadline: number): Promise<Omit<CellResult, 'outcome'>> {
    const budget = interruptBudgetMs(deadline);
    signalGroup(child.pid, 'SIGINT');
    let r = await within(reply, budget * 0.4);
    if (r) return { reply: r, interrupt: 'sigint' };
    signalGroup(child.pid, 'SIGINT');
    r = await within(reply, budget * 0.4);
    if (r) return { reply: r, interrupt: 'sigint' };
    this.kill();
    return { interrupt: 'restart' };
  }

  /** Kills the driver and everything it started (its whole process group). */
  kill(): void {
    const child = this.child;
    this.child = undefined;
    signalGroup(child?.pid, 'SIGKILL');
  }
}
