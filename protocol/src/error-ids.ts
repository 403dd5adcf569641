/** Error ids the supervisor (and the SDK) put in an error Observation's `extras.error_id`. */
export const ErrorIds = {
  INVALID_ACTION: 'INVALID_ACTION',
  NO_PLUGIN_FOR_ACTION: 'NO_PLUGIN_FOR_ACTION',
  PLUGIN_UNAVAILABLE: 'PLUGIN_UNAVAILABLE',
  PLUGIN_CRASHED: 'PLUGIN_CRASHED',
  ACTION_TIMEOUT: 'ACTION_TIMEOUT',
  /** The client that asked for the action cancelled it (an MCP client's notifications/cancelled). */
  ACTION_CANCELLED: 'ACTION_CANCELLED',
  PLUGIN_ERROR: 'PLUGIN_ERROR',
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  /** A plugin-to-plugin call (`plugd/execute`) was refused: not allowed, too deep, or its caller is done. */
  CALL_REFUSED: 'CALL_REFUSED',
} as const;

export type ErrorId = (typeof ErrorIds)[keyof typeof ErrorIds];

export const ERROR_IDS: ReadonlySet<ErrorId> = new Set(Object.values(ErrorIds));
