import { jsonLogger } from '@plugd/supervisor';
import type { Logger } from 'pino';
import { formatTraceLine } from '../trace-format.js';
import type { TraceLine } from '../trace-format.js';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: '', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * The log of `plugd dev` as a human reads it in a terminal: every traced frame as one
 * `plugd trace` line (but `$/ping`), the plugin's stderr and log prefixed with its name, the rest as
 * `time  message`.
 */
export function devLogger(write: (line: string) => void, previewChars = 200): Logger {
  return jsonLogger((json) => {
    let entry: { level?: number; time?: number; msg?: string; plugin?: string; trace?: TraceLine; err?: { message?: string } };
    try {
      entry = JSON.parse(json) as typeof entry;
    } catch {
      write(json.trimEnd());
      return;
    }
    if (entry.trace) {
      // Liveness pings every 2 s would bury the frames an author is looking for.
      if (entry.trace.method !== '$/ping') write(formatTraceLine(entry.trace, { previewChars }));
      return;
    }
    const time = new Date(entry.time ?? Date.now()).toTimeString().slice(0, 8);
    const level = LEVELS[entry.level ?? 30] ?? '';
    const who = entry.plugin ? `[${entry.plugin}] ` : '';
    write(`${time}  ${level ? `${level} ` : ''}${who}${entry.msg ?? ''}`);
  }, 'info');
}
