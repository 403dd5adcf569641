/** OpenHands' own texts (runtime/utils/bash.py, bash_constants.py): agents' prompts are written against them. */
export const TIMEOUT_MESSAGE_TEMPLATE =
  "You may wait longer to see additional output by sending empty command '', " +
  'send other commands to interact with the current process, ' +
  'send keys ("C-c", "C-z", "C-d") to interrupt/kill the previous command before sending your new command, ' +
  'or use the timeout parameter in execute_bash for future commands.';

export const CONTINUE_PREFIX = '[Below is the output of the previous command.]\n';
export const NO_PREVIOUS_COMMAND = 'ERROR: No previous running command to retrieve logs from.';
export const NO_COMMAND_TO_INTERACT = 'ERROR: No previous running command to interact with.';

/** Seconds as Python prints a float (`1` -> `1.0`, `2.5` -> `2.5`): the action's timeout is a float in OpenHands. */
export function pyFloat(seconds: number): string {
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}

export const completedSuffix = (exitCode: number, key?: string): string =>
  key
    ? `\n[The command completed with exit code ${exitCode}. CTRL+${key.toUpperCase()} was sent.]`
    : `\n[The command completed with exit code ${exitCode}.]`;

export const noChangeSuffix = (seconds: number): string =>
  `\n[The command has no new output after ${seconds} seconds. ${TIMEOUT_MESSAGE_TEMPLATE}]`;

export const hardTimeoutSuffix = (seconds: number): string =>
  `\n[The command timed out after ${pyFloat(seconds)} seconds. ${TIMEOUT_MESSAGE_TEMPLATE}]`;

export const notExecutedSuffix = (command: string): string =>
  `\n[Your command "${command}" is NOT executed. The previous command is still running - You CANNOT send new commands until the previous command is completed. By setting \`is_input\` to \`true\`, you can interact with the current process: ${TIMEOUT_MESSAGE_TEMPLATE}]`;

export const truncatedPrefix = (lines: number): string =>
  `[Previous command outputs are truncated. Showing the last ${lines} lines of the output below.]\n`;

export function multipleCommandsError(commands: readonly string[]): string {
  return (
    'ERROR: Cannot execute multiple commands at once.\n' +
    'Please run each command separately OR chain them into a single command via && or ;\n' +
    `Provided commands:\n${commands.map((c, i) => `(${i + 1}) ${c}`).join('\n')}`
  );
}

export const restartedPrefix = (why: string, cwd: string): string =>
  `[The shell was restarted (${why}): variables, functions and background jobs of the old session are gone; the working directory is ${cwd}.]\n`;
