import { pino } from 'pino';
import type { Logger } from 'pino';
import { oneOf } from './parse-flags.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface LoggerFlags {
  readonly level?: string;
  readonly file?: string;
  readonly defaultLevel: (typeof LOG_LEVELS)[number];
}

/**
 * JSON lines by default (to --log-file, or stderr); a readable form when stderr is
 * a terminal. stdout stays free for command output.
 */
export function createLogger(flags: LoggerFlags): Logger {
  const level = oneOf(flags.level, LOG_LEVELS, '--log-level') ?? flags.defaultLevel;
  const base = { supervisorPid: process.pid };
  if (flags.file) return pino({ level, base }, pino.destination({ dest: flags.file, mkdir: true, sync: false }));
  if (process.stderr.isTTY) {
    return pino({ level, base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'hostname' } } });
  }
  return pino({ level, base }, pino.destination({ dest: 2, sync: false }));
}
