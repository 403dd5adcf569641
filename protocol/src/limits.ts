/** Wire protocol version spoken by this package. */
export const PROTOCOL_VERSION = 1 as const;

/** Environment variable the supervisor sets so a plugin knows it is being supervised. */
export const PROTOCOL_ENV = 'PLUGD_PROTOCOL';

/**
 * Largest frame body either side accepts by default (bytes). A frame over it is a
 * PROTOCOL_ERROR: a runaway plugin must not make the supervisor buffer gigabytes.
 */
export const DEFAULT_MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** Largest header block of one frame (bytes); real headers are under 100 bytes. */
export const MAX_HEADER_BYTES = 1024;

/**
 * Longest wait Node's timers can do (2^31-1 ms, about 24.8 days): a longer setTimeout
 * fires at once. Every millisecond option and an action's timeout are bounded by it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Largest `timeout` (seconds) an action may ask for: MAX_TIMER_MS in whole seconds. */
export const MAX_ACTION_TIMEOUT_S = Math.floor(MAX_TIMER_MS / 1000);
