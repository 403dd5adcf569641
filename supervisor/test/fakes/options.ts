import type { PluginOptions } from '../../src/config/types.js';
import { DEFAULT_RESTART, DEFAULT_TIMEOUTS } from '../../src/config/defaults.js';

type Overrides = Partial<Omit<PluginOptions, 'restart' | 'timeouts'>> & {
  restart?: Partial<PluginOptions['restart']>;
  timeouts?: Partial<PluginOptions['timeouts']>;
};

/** A plugin's normalized options for unit tests: no jitter, the defaults otherwise. */
export function pluginOptions(overrides: Overrides = {}): PluginOptions {
  const { restart, timeouts, ...rest } = overrides;
  return {
    name: 'fake',
    protocol: 'plugd',
    command: ['fake-plugin'],
    cwd: '/',
    env: {},
    config: {},
    watch: [],
    trace: { level: 'off', maxBytes: 1024, maxFiles: 1 },
    maxFrameBytes: 1024 * 1024,
    maxQueued: 1000,
    builtin: false,
    declaredActions: [],
    start: 'eager',
    idleStopMs: 0,
    when: undefined,
    dependsOn: [],
    restartWith: false,
    calls: [],
    idempotent: { add: [], remove: [] },
    ...rest,
    sha256: rest.sha256 ?? {},
    restart: { ...DEFAULT_RESTART, jitter: 0, ...restart },
    timeouts: { ...DEFAULT_TIMEOUTS, ...timeouts },
  };
}
