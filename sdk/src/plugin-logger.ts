import { LogParamsSchema, Methods } from '@plugd/protocol';
import type { LogLevel } from '@plugd/protocol';
import type { PluginLogger } from './types.js';

/** `ctx.log`: each call a `plugd/log` notification. Logging never throws into the handler. */
export function pluginLogger(notify: (method: string, params: unknown) => void): PluginLogger {
  return Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as LogLevel[]).map((level) => [
      level,
      (message: unknown, data?: unknown) => {
        // Coerce the message, drop data that won't serialize.
        const text = typeof message === 'string' ? message : String(message);
        try {
          JSON.stringify(data);
          notify(Methods.log.method, LogParamsSchema.parse(data === undefined ? { level, message: text } : { level, message: text, data }));
        } catch {
          notify(Methods.log.method, { level, message: `${text} (data not serializable)` });
        }
      },
    ]),
  ) as unknown as PluginLogger;
}
