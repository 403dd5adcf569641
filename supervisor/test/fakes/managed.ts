import { jest } from '@jest/globals';
import type { Action, Observation } from '@plugd/protocol';
import { silentLogger } from '../../src/log/logger.js';
import { ManagedPlugin } from '../../src/plugin/managed-plugin.js';
import type { SupervisorEvents } from '../../src/events.js';
import { FakeLauncher } from './fake-process.js';
import type { FakeScript } from './fake-process.js';
import { pluginOptions } from './options.js';

export type Emitted = { [K in keyof SupervisorEvents]: { event: K; payload: SupervisorEvents[K][0] } }[keyof SupervisorEvents];

/** A ManagedPlugin over fake processes, recording every event it emits. */
export function managedPlugin(script: FakeScript = {}, options: Parameters<typeof pluginOptions>[0] = {}) {
  const launcher = new FakeLauncher(script);
  const events: Emitted[] = [];
  const plugin = new ManagedPlugin(pluginOptions({ ...options, timeouts: { pingIntervalMs: 600_000, shutdownMs: 1000, ...options.timeouts } }), {
    logger: silentLogger(),
    username: 'tester',
    emit: (event, ...args) => events.push({ event, payload: args[0] } as Emitted),
    claimRoutes: () => undefined,
    traceLevel: () => 'off',
    frameListener: () => undefined,
    lastFrames: () => undefined,
    launcher,
  });
  const states = () => events.filter((e) => e.event === 'state').map((e) => (e.payload as SupervisorEvents['state'][0]).state);
  return { plugin, launcher, events, states };
}

let nextId = 1;
export function action(id = nextId++): Action {
  return { action: 'run', args: {}, id };
}

/** Submits with a long deadline. */
export function submit(plugin: ManagedPlugin, a: Action = action(), timeoutMs = 600_000): Promise<Observation> {
  const now = Date.now();
  return plugin.submit(a, now, now + timeoutMs);
}

/** Timers faked; the streams' own scheduling (nextTick, setImmediate) stays real. */
export function fakeTimers(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
}

/** Lets the in-memory pipes deliver everything in flight. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Advances fake time in steps, letting the pipes deliver between them. */
export async function advance(ms: number, step = ms): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await jest.advanceTimersByTimeAsync(Math.min(step, ms - t));
    await flush();
  }
}

export function errorId(observation: Observation): string | undefined {
  return observation.observation === 'error' ? String((observation.extras as { error_id?: unknown }).error_id) : undefined;
}
