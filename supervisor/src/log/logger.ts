import { pino } from 'pino';
import type { Logger } from 'pino';

/** A logger that drops everything: the library default, so embedding plugd prints nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A pino logger that hands each JSON line to `write` (for embedding and tests). */
export function jsonLogger(write: (line: string) => void, level: string = 'info'): Logger {
  return pino({ level, base: null }, { write });
}
