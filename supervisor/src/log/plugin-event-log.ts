import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { SupervisorEvents } from '../events.js';
import type { Redactor } from '../trace/redact.js';
import type { StderrLogger } from './stderr-logger.js';

/** What plugins say and how their reloads end goes into plugd's log: stderr rate-limited, plugd/log redacted. */
export function logPluginEvents(events: EventEmitter<SupervisorEvents>, logger: Logger, redactor: Redactor, stderrLog: StderrLogger): void {
  events.on('stderr', (e) => stderrLog.log(e));
  events.on('log', (e) =>
    logger[e.level](
      { plugin: e.plugin, pid: e.pid, generation: e.generation, stream: 'plugd/log', ...(e.data !== undefined ? { data: redactor.redact(e.data) } : {}) },
      redactor.scrub(e.message),
    ),
  );
  events.on('reload', (e) => logger.info({ plugin: e.plugin, from: e.fromGeneration, to: e.toGeneration, ms: e.durationMs }, `plugin ${e.plugin} reloaded: generation ${e.toGeneration} serves`));
  events.on('reload_failed', (e) => logger.error({ plugin: e.plugin, generation: e.generation, error: e.error }, `plugin ${e.plugin} did not reload (generation ${e.generation}: ${e.error}); the previous generation keeps serving`));
}
