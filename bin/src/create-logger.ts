import { createRequire } from 'node:module';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { oneOf } from './parse-flags.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface LoggerFlags {
  readonly level?: string;
  readonly file?: string;
  readonly defaultLevel: (typeof LOG_LEVELS)[number];
}

/** The --log-file destination of each logger made here, so it can be reopened. */
const logFiles = new WeakMap<Logger, { reopen(): void }>();

/**
 * JSON lines by default (to --log-file, or stderr); a readable form when stderr is
 * a terminal. stdout stays free for command output.
 */
export function createLogger(flags: LoggerFlags): Logger {
  const level = oneOf(flags.level, LOG_LEVELS, '--log-level') ?? flags.defaultLevel;
  const base = { supervisorPid: process.pid };
  if (flags.file) {
    const destination = pino.destination({ dest: flags.file, mkdir: true, sync: false });
    const logger = pino({ level, base }, destination);
    logFiles.set(logger, destination);
    return logger;
  }
  if (process.stderr.isTTY) {
    // Formatted on the main thread, not in a pino transport's worker thread: a transport
    // loads its worker by a path inside pino's package, which the CLI bundle does not
    // keep. Loaded only for a terminal: most plugds log JSON.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino({ level, base }, pretty({ destination: 2, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'hostname' }));
  }
  return pino({ level, base }, pino.destination({ dest: 2, sync: false }));
}

/**
 * Reopens the logger's --log-file at its path (SIGUSR2): after logrotate renamed the
 * file, the next lines go to a new file of the old name, so no copytruncate is needed.
 * False when the logger writes no file.
 */
export function reopenLogFile(logger: Logger): boolean {
  const file = logFiles.get(logger);
  if (!file) return false;
  file.reopen();
  return true;
}
