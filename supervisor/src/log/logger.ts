import { pino } from 'pino';
import type { Logger } from 'pino';

/** A logger that drops everything: the library default, so embedding plugd prints nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
