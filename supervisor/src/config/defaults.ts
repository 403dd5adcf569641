import type { ContainmentOptions, RestartOptions, ServerOptions, TimeoutOptions, TraceOptions } from './types.js';

/** One default per option, typed by the schema: a new option without a default does not compile. */

export const DEFAULT_RESTART: RestartOptions = {
  mode: 'always',
  initialDelayMs: 200,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0.2,
  minUptimeMs: 10_000,
  maxRestarts: 5,
  windowMs: 60_000,
  failedRetryMs: 60_000,
};

export const DEFAULT_TIMEOUTS: TimeoutOptions = {
  initMs: 10_000,
  actionMs: 120_000,
  shutdownMs: 3_000,
  cancelGraceMs: 3_000,
  pingIntervalMs: 2_000,
  pingMisses: 3,
};

export const DEFAULT_TRACE: Required<Omit<TraceOptions, 'file'>> = {
  level: 'off',
  maxBytes: 10 * 1024 * 1024,
  maxFiles: 3,
};

export const DEFAULT_SERVER: Required<Omit<ServerOptions, 'apiKey'>> = {
  host: '127.0.0.1',
  port: 8765,
  maxBodyBytes: 10 * 1024 * 1024,
  allowedOrigins: [],
  allowedHosts: [],
  allowRemoteWithoutKey: false,
  maxUploadBytes: 1024 * 1024 * 1024,
};

export const DEFAULT_WATCH_DEBOUNCE_MS = 300;
export const DEFAULT_REDACT = ['api_key', 'apiKey', 'password', 'token', 'secret', 'authorization'];
/** Waiting actions per plugin: enough for bursts, bounded so a stalled plugin cannot eat memory. */
export const DEFAULT_MAX_QUEUED = 1000;
export const DEFAULT_CONTAINMENT: ContainmentOptions = { mode: 'auto', cgroupName: 'plugd', sampleIntervalMs: 1_000 };
/** Nesting of plugin-to-plugin calls (A calls B calls C ...): stops a loop between plugins. */
export const DEFAULT_MAX_CALL_DEPTH = 4;
