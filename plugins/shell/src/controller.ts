import { errorObservation } from '@plugd/sdk';
import type { Observation } from '@plugd/sdk';
import { splitCommands } from './command-split.js';
import {
  CONTINUE_PREFIX,
  NO_COMMAND_TO_INTERACT,
  NO_PREVIOUS_COMMAND,
  completedSuffix,
  hardTimeoutSuffix,
  multipleCommandsError,
  noChangeSuffix,
  notExecutedSuffix,
  restartedPrefix,
} from './messages.js';
import { commandOutput, metadata, runObservation } from './observation.js';
import type { RunMetadata } from './observation.js';
import type { PromptStatus } from './prompt-marker.js';
import { spawnPtyShell } from './pty-shell.js';
import type { ShellFactory, TerminalShell } from './pty-shell.js';

/** After a cancel's Ctrl-C, how long to wait for the prompt before answering anyway. */
const ABORT_SETTLE_MS = 1_000;

export interface ExecuteRequest {
  readonly command: string;
  readonly isInput: boolean;
  readonly blocking: boolean;
  readonly hidden: boolean;
  /** The action's own `timeout` in seconds (OpenHands' hard timeout), if any. */
  readonly hardTimeoutSec?: number;
  /** Epoch ms by which the observation must be sent (the supervisor's deadline). */
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly onOutput?: (chunk: string) => void;
}

type Ending =
  | { kind: 'prompt'; status: PromptStatus }
  | { kind: 'no-change' }
  | { kind: 'hard'; seconds: number }
  | { kind: 'exit'; code: number };

/**
 * Time kept to send the observation before the supervisor's deadline: nothing needs
 * interrupting (the command keeps running), only the reply must arrive in time.
 */
function replyMarginMs(leftMs: number): number {
  return Math.min(500, Math.max(150, leftMs * 0.05));
}

/**
 * OpenHands' BashSession.execute over a {@link PtyShell}: one command at a time; it
 * returns when the prompt comes back, when there has been no new output for
 * NO_CHANGE_TIMEOUT_SECONDS (not for `blocking`), or at the action's `timeout`, and
 * in the last two cases the command keeps running: an empty command shows its new
 * output, `is_input` types into it, a new command is refused until it ends.
 */
export class ShellController {
  private shell: TerminalShell | undefined;
  private running = false;
  private runningCommand = '';
  private sentKey: string | undefined;
  /** The prompt came back while no action was waiting. */
  private doneWhileIdle: PromptStatus | undefined;
  private shellExit: number | undefined;
  private restartNote = '';
  private waiter: ((ending: Ending) => void) | undefined;
  private lastOutputAt = 0;
  workingDir: string;
  private pyInterpreterPath = '';

  constructor(
    cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly username: string,
    private readonly noChangeSeconds: number,
    private readonly onCwd: (cwd: string) => void,
    private readonly spawnShell: ShellFactory = spawnPtyShell,
  ) {
    this.workingDir = cwd;
  }

  /** The next observation starts with a note that the shell was restarted. */
  noteRestart(why: string): void {
    this.restartNote = restartedPrefix(why, this.workingDir);
  }

  get pid(): number | undefined {
    return this.shell?.pid;
  }

  private async ensureShell(): Promise<TerminalShell> {
    if (this.shell && !this.shell.exited) return this.shell;
    if (this.shell) this.restartNote = restartedPrefix(`bash exited with code ${this.shellExit ?? 'unknown'}`, this.workingDir);
    const shell: TerminalShell = this.spawnShell(this.workingDir, this.env, {
      onOutput: (chunk) => {
        this.lastOutputAt = Date.now();
        this.waitingOutput?.(chunk);
      },
      onPrompt: (status) => {
        if (this.shell !== shell) return;
        this.workingDir = status.workingDir || this.workingDir;
        this.pyInterpreterPath = status.pyInterpreterPath;
        this.onCwd(this.workingDir);
        if (!this.running) return;
        if (this.waiter) this.waiter({ kind: 'prompt', status });
        else this.doneWhileIdle = status;
      },
      onExit: (code) => {
        if (this.shell !== shell) return;
        this.shellExit = code;
        this.waiter?.({ kind: 'exit', code });
      },
    });
    this.shell = shell;
    this.running = false;
    this.doneWhileIdle = undefined;
    await shell.whenReady();
    return shell;
  }

  private waitingOutput: ((chunk: string) => void) | undefined;

  private ctx() {
    return { username: this.username, workingDir: this.workingDir, pyInterpreterPath: this.pyInterpreterPath };
  }

  private obs(command: string, content: string, fields: Partial<RunMetadata>, hidden = false): Observation {
    const md = metadata(this.ctx(), fields);
    if (this.restartNote) {
      md.prefix = this.restartNote + md.prefix;
      this.restartNote = '';
    }
    return runObservation(command, content, md, hidden);
  }

  async execute(req: ExecuteRequest): Promise<Observation> {
    const command = req.command.trim();
    const shell = await this.ensureShell();
    const busy = this.running;

    if (!busy && command === '') return this.obs('', NO_PREVIOUS_COMMAND, {});
    if (!busy && req.isInput) return this.obs('', NO_COMMAND_TO_INTERACT, {});
    if (!req.isInput) {
      const commands = splitCommands(command);
      if (commands.length > 1) return errorObservation('', multipleCommandsError(commands));
    }

    if (this.doneWhileIdle && command === '') return this.finish(command, { kind: 'prompt', status: this.doneWhileIdle }, req.hidden);
    if (this.doneWhileIdle && !req.isInput) {
      // It ended between actions: its last output goes in front of the new command's.
      this.doneWhileIdle = undefined;
      this.running = false;
    } else if (this.running && !req.isInput && command !== '') {
      const { text } = commandOutput(shell.takeUnread().text, false);
      return this.obs(command, text, { prefix: CONTINUE_PREFIX, suffix: notExecutedSuffix(command) }, req.hidden);
    }

    if (command !== '') {
      if (req.isInput) {
        const key = /^C-([a-zA-Z@[\\\]^_])$/.exec(command)?.[1];
        if (key) {
          this.sentKey = key;
          shell.type(String.fromCharCode(key.toUpperCase().charCodeAt(0) & 0x1f));
        } else shell.type(`${command}\r`);
      } else {
        this.running = true;
        this.runningCommand = command;
        this.sentKey = undefined;
        this.shownOnce = false;
        shell.runCommand(command);
      }
    }
    const ending = await this.wait(req);
    return this.finish(command, ending, req.hidden);
  }

  private wait(req: ExecuteRequest): Promise<Ending> {
    if (this.doneWhileIdle) return Promise.resolve({ kind: 'prompt', status: this.doneWhileIdle });
    return new Promise<Ending>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const done = (ending: Ending) => {
        for (const t of timers) clearTimeout(t);
        this.waiter = undefined;
        this.waitingOutput = undefined;
        req.signal.removeEventListener('abort', onAbort);
        resolve(ending);
      };
      this.waiter = done;
      const left = req.deadline - Date.now();
      const limitMs = left - replyMarginMs(left);
      const hardMs = req.hardTimeoutSec && req.hardTimeoutSec > 0 ? Math.min(req.hardTimeoutSec * 1000, limitMs) : limitMs;
      const reported = req.hardTimeoutSec && req.hardTimeoutSec > 0 ? req.hardTimeoutSec : Math.round((req.deadline - Date.now()) / 100) / 10;
      timers.push(setTimeout(() => done({ kind: 'hard', seconds: reported }), Math.max(0, hardMs)));
      // The supervisor gave up on the action: stop the command, as Ctrl-C would.
      const onAbort = () => {
        this.shell?.type('\x03');
        // The prompt that follows Ctrl-C ends the command (else the next command would be
        // refused as "still running"); bounded well inside the supervisor's cancel grace.
        timers.push(setTimeout(() => done({ kind: 'hard', seconds: reported }), ABORT_SETTLE_MS));
      };
      req.signal.addEventListener('abort', onAbort, { once: true });
      if (!req.blocking) {
        this.lastOutputAt = Date.now();
        const check = () => {
          const quiet = Date.now() - this.lastOutputAt;
          if (quiet >= this.noChangeSeconds * 1000) done({ kind: 'no-change' });
          else timers.push(setTimeout(check, this.noChangeSeconds * 1000 - quiet));
        };
        timers.push(setTimeout(check, this.noChangeSeconds * 1000));
      }
      this.waitingOutput = req.onOutput;
    });
  }

  private finish(command: string, ending: Ending, hidden: boolean): Observation {
    const shell = this.shell!;
    const { text: raw, dropped } = shell.takeUnread();
    const { text, truncatedNote } = commandOutput(raw, dropped);
    switch (ending.kind) {
      case 'prompt': {
        this.running = false;
        this.doneWhileIdle = undefined;
        const key = this.sentKey;
        this.sentKey = undefined;
        const { status } = ending;
        return this.obs(
          command,
          text,
          {
            exit_code: status.exitCode,
            pid: status.pid,
            prefix: truncatedNote,
            suffix: completedSuffix(status.exitCode, key && command === `C-${key}` ? key : undefined),
          },
          hidden,
        );
      }
      case 'exit':
        this.running = false;
        return this.obs(command, text, { exit_code: ending.code, prefix: truncatedNote, suffix: completedSuffix(ending.code) }, hidden);
      case 'no-change':
        return this.obs(command, text, { prefix: this.continuing(command), suffix: noChangeSuffix(this.noChangeSeconds) }, hidden);
      case 'hard':
        return this.obs(command, text, { prefix: this.continuing(command), suffix: hardTimeoutSuffix(ending.seconds) }, hidden);
    }
  }

  /** OpenHands marks output of a command already shown once as a continuation. */
  private continuing(command: string): string {
    const first = command !== '' && command === this.runningCommand && !this.shownOnce;
    this.shownOnce = true;
    return first ? '' : CONTINUE_PREFIX;
  }

  private shownOnce = false;

  kill(): void {
    this.shell?.kill();
    this.shell = undefined;
  }
}
