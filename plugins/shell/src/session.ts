import { spawn } from 'node:child_process';
import { interruptBudgetMs, signalGroup, trackProcessGroup, within } from '@plugd/sdk';
import type { ChildProcess } from 'node:child_process';
import { Marker } from './marker.js';
import type { CommandStatus } from './marker.js';
import { OutputBuffer } from './output-buffer.js';
import { descendants, signalAll } from './proc-tree.js';
import { shellQuote } from './quote.js';

export type Outcome = 'done' | 'timeout' | 'cancelled' | 'exited';

export interface RunOptions {
  readonly command: string;
  readonly cwd?: string | null;
  /** How long the command may run before it is interrupted. */
  readonly timeoutMs: number;
  /** Hard limit (Date.now() value) for the whole run, interrupt ladder included. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly onOutput?: (chunk: string) => void;
}

export interface RunResult {
  readonly outcome: Outcome;
  readonly output: string;
  /** Characters dropped from the middle while streaming. */
  readonly dropped: number;
  /** From the sentinel; absent when the command never got back to the prompt. */
  readonly status?: CommandStatus;
  /** What the interrupt had to do: 'sigint', 'sigkill-children' or 'restart'. */
  readonly interrupt?: 'sigint' | 'sigkill-children' | 'restart';
  /** Exit code of bash itself when it ended (outcome 'exited'). */
  readonly shellExit?: number | null;
}

interface Pending {
  readonly seq: number;
  readonly child: ChildProcess;
  readonly buffer: OutputBuffer;
  readonly onOutput?: (chunk: string) => void;
  searchFrom: number;
  resolve(match: { status?: CommandStatus; end: number; exited: boolean }): void;
}

/**
 * One long-lived interactive `bash` in its own process group. Commands are sent
 * on its stdin wrapped in `eval '...' </dev/null 2>&1` (so a command can never read
 * the session's own input), each followed by a sentinel line that prints the exit
 * code, `$!`, python path and pwd. Interactive mode is what makes SIGINT abort the
 * whole command line (loops included) and return to the prompt, as Ctrl-C does in
 * a terminal, instead of killing the shell. bash's own stderr (prompts, echo of
 * input, job notices) goes to /dev/null.
 */
export class BashSession {
  private child: ChildProcess | undefined;
  private marker = new Marker();
  private seq = 0;
  private pending: Pending | undefined;
  /** Output that arrived between commands (background jobs); shown with the next one. */
  private stray = '';
  private exited: Promise<number | null> | undefined;
  lastWorkingDir: string;

  constructor(
    private readonly initialCwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.lastWorkingDir = initialCwd;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined;
  }

  private start(): ChildProcess {
    this.marker = new Marker();
    const child = spawn('bash', ['--noprofile', '--norc', '-i'], {
      cwd: this.lastWorkingDir,
      env: { ...this.env, PS1: '', PS2: '', PS0: '', PROMPT_COMMAND: '', HISTFILE: '' },
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    this.child = child;
    // bash leads its own group (for interrupts): plugd is told, so it dies with the plugin.
    const untrack = trackProcessGroup(child.pid);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        // Background jobs may outlive bash in its group: tracked until the group is empty.
        if (!signalGroup(child.pid, 0)) untrack();
        if (this.child === child) this.child = undefined;
        // Give the pipe a moment to deliver what bash wrote just before exiting.
        setTimeout(() => {
          const pending = this.pending;
          if (pending?.child === child) pending.resolve({ end: pending.buffer.text.length, exited: true });
          resolve(code ?? (signal ? 128 : null));
        }, 50);
      });
      child.once('error', () => {
        if (this.child === child) this.child = undefined;
        resolve(null);
      });
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onData(chunk));
    child.stdin!.on('error', () => undefined); // EPIPE when bash died; 'exit' reports it
    child.stdin!.write("set +o history +H; unset HISTFILE PROMPT_COMMAND; PS1=''; PS2=''; PS0=''\n");
    return child;
  }

  private onData(chunk: string): void {
    const pending = this.pending;
    if (!pending) {
      this.stray = (this.stray + chunk).slice(-100_000);
      return;
    }
    pending.buffer.append(chunk);
    this.scan(pending, chunk);
  }

  private scan(pending: Pending, chunk: string): void {
    const buffer = pending.buffer;
    for (;;) {
      const from = Math.max(0, Math.min(pending.searchFrom, buffer.text.length - this.marker.overlap));
      const match = this.marker.find(buffer.text, from);
      if (!match) {
        pending.searchFrom = buffer.text.length;
        pending.onOutput?.(chunk);
        return;
      }
      if (match.status.seq !== pending.seq) {
        // A stale sentinel re-sent while interrupting an earlier command: drop it.
        buffer.text = buffer.text.slice(0, match.index) + buffer.text.slice(match.end);
        pending.searchFrom = match.index;
        continue;
      }
      const rest = buffer.text.slice(match.end);
      if (rest) this.stray = rest;
      this.lastWorkingDir = match.status.workingDir || this.lastWorkingDir;
      pending.resolve({ status: match.status, end: match.index, exited: false });
      return;
    }
  }

  private write(text: string): void {
    this.child?.stdin?.write(text);
  }

  async run(options: RunOptions): Promise<RunResult> {
    const child = this.child ?? this.start();
    const seq = ++this.seq;
    const buffer = new OutputBuffer();
    let settle!: (m: { status?: CommandStatus; end: number; exited: boolean }) => void;
    const finished = new Promise<{ status?: CommandStatus; end: number; exited: boolean }>((resolve) => (settle = resolve));
    const pending: Pending = { seq, child, buffer, searchFrom: 0, resolve: (m) => settle(m), ...(options.onOutput ? { onOutput: options.onOutput } : {}) };
    if (this.stray) {
      buffer.append(this.stray);
      pending.searchFrom = buffer.text.length;
      this.stray = '';
    }
    this.pending = pending;
    const cd = options.cwd ? `cd -- ${shellQuote(options.cwd)} </dev/null 2>&1 && ` : '';
    this.write(`${cd}eval ${shellQuote(options.command)} </dev/null 2>&1\n${this.marker.line(seq)}`);

    let outcome: Outcome = 'done';
    let interrupt: RunResult['interrupt'];
    let timer: NodeJS.Timeout | undefined;
    const stopRequested = new Promise<'timeout' | 'cancelled'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, options.timeoutMs));
      if (options.signal?.aborted) resolve('cancelled');
      options.signal?.addEventListener('abort', () => resolve('cancelled'), { once: true });
    });
    try {
      let result = await Promise.race([finished, stopRequested]);
      if (result === 'timeout' || result === 'cancelled') {
        outcome = result;
        const ladder = await this.interrupt(child, seq, finished, options.deadline);
        interrupt = ladder.step;
        result = ladder.result ?? { end: buffer.text.length, exited: false };
      } else if (result.exited) {
        outcome = 'exited';
      }
      const shellExit = outcome === 'exited' ? await this.exited : undefined;
      return {
        outcome,
        output: buffer.output(result.end),
        dropped: buffer.dropped,
        ...(result.status ? { status: result.status } : {}),
        ...(interrupt ? { interrupt } : {}),
        ...(shellExit !== undefined ? { shellExit } : {}),
      };
    } finally {
      clearTimeout(timer);
      if (this.pending === pending) this.pending = undefined;
    }
  }

  /**
   * Ctrl-C, then harder: SIGINT to the session's process group (background jobs
   * ignore it, as in a terminal), again with a fresh sentinel in case the first was
   * swallowed, then SIGKILL every process under bash, and at last kill bash itself
   * (the next command starts a new session).
   */
  private async interrupt(
    child: ChildProcess,
    seq: number,
    finished: Promise<{ status?: CommandStatus; end: number; exited: boolean }>,
    deadline: number,
  ): Promise<{ step: RunResult['interrupt']; result?: { status?: CommandStatus; end: number; exited: boolean } }> {
    const budget = interruptBudgetMs(deadline);
    const pid = child.pid;
    signalGroup(pid, 'SIGINT');
    let r = await within(finished, budget * 0.3);
    if (r) return { step: 'sigint', result: r };
    signalGroup(pid, 'SIGINT');
    this.write(this.marker.line(seq));
    r = await within(finished, budget * 0.25);
    if (r) return { step: 'sigint', result: r };
    if (pid !== undefined) signalAll(descendants(pid), 'SIGKILL');
    this.write(this.marker.line(seq));
    r = await within(finished, budget * 0.25);
    if (r) return { step: 'sigkill-children', result: r };
    this.kill();
    return { step: 'restart' };
  }

  /** Kills the whole session (bash and everything in its process group). */
  kill(): void {
    const child = this.child;
    if (!child?.pid) return;
    const pid = child.pid;
    const under = descendants(pid);
    signalGroup(pid, 'SIGKILL');
    signalAll(under, 'SIGKILL');
    this.child = undefined;
  }
}
