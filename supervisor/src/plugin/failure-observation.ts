import { ErrorIds, errorObservation, formatZodIssues, ObservationSchema, plainObservation } from '@plugd/protocol';
import type { Observation } from '@plugd/protocol';
import { describeExit } from '../process/exit-info.js';
import type { ExitInfo } from '../process/exit-info.js';
import { PluginExitedError } from '../process/plugin-process.js';
import { ProtocolViolation } from '../rpc/protocol-violation.js';
import { RpcResponseError } from '../rpc/rpc-error.js';
import { errorMessage } from '../errors.js';

const STDERR_LINES_IN_MESSAGE = 10;

/** Checks a plugin's `run` result; a malformed one is the plugin's protocol error. */
export function checkObservation(plugin: string, type: string, raw: unknown): Observation {
  const plain = plainObservation(raw);
  if (plain) return plain;
  const parsed = ObservationSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return errorObservation(
    ErrorIds.PROTOCOL_ERROR,
    `Plugin ${plugin} answered "${type}" with something that is not an Observation (${formatZodIssues(parsed.error)}). A run result must be {observation, content, extras}.`,
  );
}

/** The error Observation for an action whose plugin request failed. */
export function failureObservation(plugin: string, type: string, error: unknown): Observation {
  if (error instanceof ProtocolViolation || (error instanceof PluginExitedError && error.exit.reason === 'protocol-error')) {
    const detail = error instanceof ProtocolViolation ? error.message : (error.exit.detail ?? '');
    return errorObservation(
      ErrorIds.PROTOCOL_ERROR,
      `Plugin ${plugin} wrote something on stdout that is not a protocol frame, so it was restarted: ${detail}. Only JSON-RPC frames may go to stdout; print logs to stderr.`,
    );
  }
  if (error instanceof PluginExitedError) return crashedObservation(plugin, type, error.exit);
  if (error instanceof RpcResponseError) {
    return errorObservation(ErrorIds.PLUGIN_ERROR, `Plugin ${plugin} answered "${type}" with an error: ${error.message} (JSON-RPC code ${error.rpcCode}).`);
  }
  return errorObservation(ErrorIds.PLUGIN_CRASHED, `Plugin ${plugin} could not run "${type}": ${errorMessage(error)}.`);
}

export function crashedObservation(plugin: string, type: string, exit: ExitInfo): Observation {
  const how =
    exit.reason === 'unresponsive'
      ? `was killed as unresponsive (${exit.detail ?? 'missed pings'})`
      : exit.reason === 'cancel-ignored'
        ? `was killed because it ignored a cancelled action (${exit.detail ?? ''})`
        : exit.reason === 'pipe-broken'
          ? `was killed because its stdio pipe broke (${exit.detail ?? 'EPIPE'})`
          : exit.reason === 'out-of-memory'
          ? `was killed by the kernel: ${exit.detail ?? 'out of memory'}`
          : exit.reason === 'memory-limit'
          ? `was restarted by plugd: ${exit.detail ?? 'memory above limits.memoryRestartMiB'}`
          : exit.reason === 'stopped'
          ? 'was stopped by the supervisor'
          : `died (${describeExit(exit)})`;
  const tail = exit.stderrTail.slice(-STDERR_LINES_IN_MESSAGE);
  const stderr = tail.length > 0 ? `\nLast stderr lines:\n${tail.join('\n')}` : '\nIt wrote nothing to stderr.';
  return errorObservation(ErrorIds.PLUGIN_CRASHED, `Plugin ${plugin} (pid ${exit.pid ?? '?'}, ${describeExit(exit)}) ${how} while running "${type}".${stderr}`);
}
