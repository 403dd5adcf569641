/**
 * Local errors (never cross the wire as such): a string `code` to branch on and the
 * original `cause` kept. Errors that cross the wire are error Observations instead.
 */
export type PlugdErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'ROUTE_CONFLICT'
  | 'PLUGIN_START_FAILED'
  | 'PROGRAM_NOT_FOUND'
  | 'PLUGIN_EXITED'
  | 'PLUGIN_UNRESPONSIVE'
  | 'PROTOCOL_VIOLATION'
  | 'REQUEST_TIMEOUT'
  | 'PLUGIN_NOT_FOUND'
  | 'SUPERVISOR_STOPPED'
  | 'CONTAINMENT_UNAVAILABLE'
  | 'CONFIG_NOT_RELOADABLE';

export class PlugdError extends Error {
  readonly code: PlugdErrorCode;

  constructor(code: PlugdErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PlugdError';
    this.code = code;
  }
}

export function isPlugdError(error: unknown, code?: PlugdErrorCode): error is PlugdError {
  return error instanceof PlugdError && (code === undefined || error.code === code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
