import { hostname, userInfo } from 'node:os';
import { formatSeconds } from '@plugd/sdk';
import type { Observation } from '@plugd/sdk';
import type { RunResult } from './session.js';
import { truncateMiddle } from './truncate.js';

function currentUser(fallback: string): string {
  try {
    return userInfo().username;
  } catch {
    return fallback;
  }
}

/** The note appended to the output when the command did not end on its own. */
function note(result: RunResult, timeoutMs: number): string | undefined {
  const how =
    result.interrupt === 'restart'
      ? 'It did not stop on SIGINT or SIGKILL of its processes, so the shell session was restarted (variables, functions and cwd are reset).'
      : result.interrupt === 'sigkill-children'
        ? 'It ignored SIGINT, so its processes (and background jobs of this shell) were killed with SIGKILL.'
        : 'It was interrupted with SIGINT (Ctrl-C); the shell session is still usable.';
  if (result.outcome === 'timeout') {
    return `[The command timed out after ${formatSeconds(timeoutMs)} seconds. ${how} Partial output is shown above. For long jobs run them in the background (e.g. \`cmd > log.txt 2>&1 &\`) or send the action with a larger \`timeout\`.]`;
  }
  if (result.outcome === 'cancelled') return `[The command was cancelled. ${how}]`;
  if (result.outcome === 'exited') {
    return `[The shell exited (code ${result.shellExit ?? 'unknown'}); a new session starts with the next command (variables, functions and cwd are reset).]`;
  }
  return undefined;
}

export interface RunObservationInput {
  readonly command: string;
  readonly hidden: boolean;
  readonly result: RunResult;
  readonly timeoutMs: number;
  readonly username: string;
  readonly fallbackWorkingDir: string;
}

/** A CmdOutputObservation as OpenHands serializes it, with every metadata field set. */
export function runObservation(input: RunObservationInput): Observation {
  const { result } = input;
  const exitCode =
    result.outcome === 'done' ? (result.status?.exitCode ?? -1) : result.outcome === 'exited' ? (result.shellExit ?? -1) : -1;
  let output = truncateMiddle(result.output, undefined, result.dropped);
  if (output.endsWith('\n')) output = output.slice(0, -1);
  const extra = note(result, input.timeoutMs);
  const content = extra ? (output ? `${output}\n${extra}` : extra) : output;
  const suffix = extra ? `\n${extra}` : `\n[The command completed with exit code ${exitCode}.]`;
  return {
    observation: 'run',
    content,
    extras: {
      command: input.command,
      hidden: input.hidden,
      metadata: {
        exit_code: exitCode,
        pid: result.status?.pid ?? -1,
        username: currentUser(input.username),
        hostname: hostname(),
        working_dir: result.status?.workingDir || input.fallbackWorkingDir,
        py_interpreter_path: result.status?.pyInterpreterPath ?? '',
        prefix: '',
        suffix,
      },
    },
    message: `Command \`${input.command}\` executed with exit code ${exitCode}.`,
    success: exitCode === 0,
  };
}
