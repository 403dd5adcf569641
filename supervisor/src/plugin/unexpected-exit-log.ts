import type { Logger } from 'pino';
import { describeExit } from '../process/exit-info.js';
import type { ExitInfo } from '../process/exit-info.js';

/** The log line of a generation that exited when it should not have: how, why, its last stderr and frames. */
export function logUnexpectedExit(logger: Logger, plugin: string, exit: ExitInfo, lastFrames: readonly unknown[] | undefined): void {
  logger.error(
    { plugin, pid: exit.pid, generation: exit.generation, code: exit.code, signal: exit.signal, uptimeMs: exit.uptimeMs, reason: exit.reason, detail: exit.detail, stderr: exit.stderrTail.slice(-20), lastFrames },
    `plugin ${plugin} (pid ${exit.pid ?? '?'}) exited unexpectedly: ${describeExit(exit)}${exit.reason === 'exited' ? '' : `, ${exit.reason}`}${exit.detail ? ` (${exit.detail})` : ''}`,
  );
}
