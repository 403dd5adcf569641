import * as z from 'zod';

/** LSP's trace levels: `messages` = direction, method, id, duration, size; `verbose` adds bodies. */
export const TraceLevelSchema = z.enum(['off', 'messages', 'verbose']);
export type TraceLevel = z.infer<typeof TraceLevelSchema>;

export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevelSchema>;
