import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pty from '@lydell/node-pty';
import type { IPty } from '@lydell/node-pty';
import { signalGroup, trackProcessGroup } from '@plugd/sdk';
import { PromptMarker } from './prompt-marker.js';
import type { PromptStatus } from './prompt-marker.js';
import { descendants, signalAll } from './proc-tree.js';
import { ownedTempPath } from './stale-files.js';
import { PromptStream } from './prompt-stream.js';

/** OpenHands' tmux pane keeps this many lines of scrollback plus one screen (1000 rows). */
export const HISTORY_LINES = 10_000 + 1_000;
/** Past this many unread characters the oldest are dropped (memory bound). */
const MAX_UNREAD_CHARS = 8_000_000;

/** What the controller needs of a terminal shell (a fake one in unit tests). */
export interface TerminalShell {
  readonly pid: number;
  readonly exited: boolean;
  whenReady(): Promise<void>;
  takeUnread(): { text: string; dropped: boolean };
  runCommand(command: string): void;
  type(text: string): void;
  kill(): void;
}

export type ShellFactory = (cwd: string, env: NodeJS.ProcessEnv, events: ShellEvents) => TerminalShell;

export const spawnPtyShell: ShellFactory = (cwd, env, events) => new PtyShell(cwd, env, events);

export interface ShellEvents {
  /** New output arrived (for progress and the no-change timer). */
  onOutput(chunk: string): void;
  /** The prompt came back: the running command ended. */
  onPrompt(status: PromptStatus): void;
  /** bash itself ended. */
  onExit(code: number): void;
}

/**
 * One long-lived interactive bash under a pseudo-terminal, as OpenHands' tmux pane: a
 * command is typed into the terminal, so it reads from the terminal (`read -p`,
 * `input()` wait for input) and Ctrl-C/D/Z are terminal keys. The text of a command
 * goes through a private file (`eval "$(<file)"`), so a command longer than the
 * terminal's line limit arrives whole and nothing is echoed. The prompt is a
 * nonce-tagged marker line carrying exit code, `$!`, python path and pwd.
 */
export class PtyShell implements TerminalShell {
  private readonly term: IPty;
  private readonly marker = new PromptMarker();
  private readonly stream = new PromptStream(this.marker, {
    output: (text, live) => {
      this.append(text);
      if (live) this.events.onOutput(text);
    },
    prompt: (status) => {
      this.lastStatus = status;
      rmSync(join(this.dir, `cmd-${this.seq}`), { force: true });
      this.events.onPrompt(status);
    },
  });
  /** Named for this process, so a later plugin removes it should this one be killed before its cleanup (stale-files.ts). */
  private readonly dir = mkdtempSync(ownedTempPath(process.pid));
  /** What bash printed before its first prompt (its start and the setup line), until that prompt. */
  private startup = '';
  /** Output not yet returned in an observation, raw terminal text. */
  unread = '';
  /** Characters dropped from the front of `unread` (memory bound). */
  droppedChars = 0;
  private seq = 0;
  private ready: Promise<void>;
  exited = false;
  lastStatus: PromptStatus | undefined;

  constructor(cwd: string, env: NodeJS.ProcessEnv, private readonly events: ShellEvents) {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('PLUGD_')) clean[k] = v;
    this.term = pty.spawn('bash', ['--noprofile', '--norc', '--noediting', '-i'], {
      name: clean['TERM'] && clean['TERM'] !== 'dumb' ? clean['TERM'] : 'xterm',
      cols: 1000,
      rows: 1000,
      cwd,
      env: { PAGER: 'cat', GIT_PAGER: 'cat', ...clean, PS1: '', PS2: '', HISTFILE: '' },
    });
    // bash leads its own session and group (the terminal's): plugd is told, so it dies with the plugin.
    const untrack = trackProcessGroup(this.term.pid);
    let first!: () => void;
    this.ready = new Promise((resolve) => (first = resolve));
    let started = false;
    this.term.onData((chunk) => {
      if (!started) {
        // Everything before the first prompt is bash starting up (and the setup line).
        this.startup += chunk;
        const match = this.marker.find(this.startup);
        if (!match) return;
        started = true;
        this.lastStatus = match.status;
        chunk = this.startup.slice(match.end);
        this.startup = '';
        first();
        if (chunk === '') return;
      }
      this.stream.push(chunk);
    });
    this.term.onExit(({ exitCode }) => {
      this.exited = true;
      // Background jobs may outlive bash in its group: tracked until the group is empty.
      if (!signalGroup(this.term.pid, 0)) untrack();
      first();
      this.stream.flush();
      this.cleanup();
      this.events.onExit(exitCode);
    });
    // No echo: the terminal still shows what programs print, not what is typed.
    this.term.write(`stty -echo; set +o history +H; unset HISTFILE; ${this.marker.setup()}\n`);
  }

  get pid(): number {
    return this.term.pid;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  private append(text: string): void {
    this.unread += text;
    if (this.unread.length > MAX_UNREAD_CHARS) {
      const cut = this.unread.length - MAX_UNREAD_CHARS / 2;
      this.droppedChars += cut;
      this.unread = this.unread.slice(cut);
    }
  }

  /** Takes the output not yet returned. */
  takeUnread(): { text: string; dropped: boolean } {
    const result = { text: this.unread, dropped: this.droppedChars > 0 };
    this.unread = '';
    this.droppedChars = 0;
    return result;
  }

  /** Types a command (through a private file, see above). */
  runCommand(command: string): void {
    const file = join(this.dir, `cmd-${++this.seq}`);
    writeFileSync(file, command, { mode: 0o600 });
    chmodSync(file, 0o600);
    this.term.write(`eval "$(< ${file})"\n`);
  }

  /** Types text into the terminal (input to the running program). */
  type(text: string): void {
    this.term.write(text);
  }

  /** Kills bash and everything it started. */
  kill(): void {
    const under = descendants(this.term.pid);
    signalGroup(this.term.pid, 'SIGKILL');
    signalAll(under, 'SIGKILL');
    try {
      this.term.kill('SIGKILL');
    } catch {
      // already gone
    }
    this.cleanup();
  }

  private cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
