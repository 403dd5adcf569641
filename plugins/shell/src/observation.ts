import { hostname, userInfo } from 'node:os';
import type { Observation } from '@plugd/sdk';
import { terminalText } from './terminal-text.js';
import { HISTORY_LINES } from './pty-shell.js';
import { truncatedPrefix } from './messages.js';
import { truncateMiddle } from './truncate.js';

function currentUser(fallback: string): string {
  try {
    return userInfo().username;
  } catch {
    return fallback;
  }
}

export interface RunMetadata {
  exit_code: number;
  pid: number;
  username: string | null;
  hostname: string | null;
  working_dir: string | null;
  py_interpreter_path: string | null;
  prefix: string;
  suffix: string;
}

export interface Context {
  readonly username: string;
  readonly workingDir: string;
  readonly pyInterpreterPath: string;
}

export function metadata(ctx: Context, fields: Partial<RunMetadata> = {}): RunMetadata {
  return {
    exit_code: -1,
    pid: -1,
    username: currentUser(ctx.username),
    hostname: hostname(),
    working_dir: ctx.workingDir,
    py_interpreter_path: ctx.pyInterpreterPath,
    prefix: '',
    suffix: '',
    ...fields,
  };
}

/**
 * Terminal output as OpenHands shows it: escape codes and carriage returns resolved,
 * surrounding blank space trimmed, only the last lines of what a pane's history keeps.
 */
export function commandOutput(raw: string, dropped: boolean): { text: string; truncatedNote: string } {
  let text = terminalText(raw).trim();
  const lines = text.split('\n');
  if (lines.length > HISTORY_LINES || dropped) {
    const kept = lines.slice(-HISTORY_LINES);
    text = kept.join('\n');
    return { text, truncatedNote: truncatedPrefix(kept.length) };
  }
  return { text, truncatedNote: '' };
}

/** A CmdOutputObservation as OpenHands serializes it. */
export function runObservation(command: string, content: string, md: RunMetadata, hidden = false): Observation {
  return {
    observation: 'run',
    content: hidden ? content : truncateMiddle(content),
    extras: { command, hidden, metadata: { ...md } },
    message: `Command \`${command}\` executed with exit code ${md.exit_code}.`,
    success: md.exit_code === 0,
  };
}
