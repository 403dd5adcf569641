import { devCommand, DEV_HELP } from './commands/dev.js';
import { execCommand, EXEC_HELP } from './commands/exec.js';
import { newCommand, NEW_HELP } from './commands/new.js';
import { pluginsCommand, PLUGINS_HELP } from './commands/plugins.js';
import { reloadCommand, RELOAD_HELP } from './commands/reload.js';
import { startCommand, START_HELP } from './commands/start.js';
import { statusCommand, STATUS_HELP } from './commands/status.js';
import { traceLevelCommand, TRACE_LEVEL_HELP } from './commands/trace-level.js';
import { traceCommand, TRACE_HELP } from './commands/trace.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';

type Command = (args: string[]) => Promise<number>;

/** Sub-commands; each has its own --help. */
export const COMMANDS: Record<string, { run: Command; help: string; summary: string }> = {
  start: { run: startCommand, help: START_HELP, summary: 'run the plugins and the HTTP API' },
  exec: { run: execCommand, help: EXEC_HELP, summary: 'run one action and print its Observation' },
  status: { run: statusCommand, help: STATUS_HELP, summary: 'show the plugins of a running plugd' },
  reload: { run: reloadCommand, help: RELOAD_HELP, summary: 'reload a plugin of a running plugd' },
  trace: { run: traceCommand, help: TRACE_HELP, summary: 'pretty-print a trace file (--follow to tail it)' },
  'trace-level': { run: traceLevelCommand, help: TRACE_LEVEL_HELP, summary: 'change the trace level of a running plugd' },
  plugins: { run: pluginsCommand, help: PLUGINS_HELP, summary: 'list the built-in plugins and the plugin packages installed here' },
  dev: { run: devCommand, help: DEV_HELP, summary: 'run one plugin with hot reload, traces on the terminal and the HTTP API' },
  new: { run: newCommand, help: NEW_HELP, summary: 'write a new plugin project (TypeScript or Python) with its test' },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: plugd <command> [options]

plugd runs agent-runtime plugins as supervised child processes speaking JSON-RPC
over stdio, and routes OpenHands-style actions to them.

Commands:
${lines.join('\n')}

Run 'plugd <command> --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${mainHelp()}\n`);
    return command === undefined ? EXIT_USAGE : 0;
  }
  const entry = COMMANDS[command];
  try {
    if (!entry) throw new UsageError(`unknown command "${command}"; commands are ${Object.keys(COMMANDS).join(', ')} (see 'plugd --help')`);
    return await entry.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`plugd: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
