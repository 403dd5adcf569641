/**
 * A real Supervisor over fixture plugins, for the supervision tests: builds the
 * config, remembers every pid it ever ran (from `spawn`/`ready` events), waits on
 * events instead of sleeping, and proves after stop() that no process is left.
 */
import { fileURLToPath } from 'node:url';
import { parseConfig, Supervisor } from '@plugd/supervisor';
import type { PluginStatus, SupervisorEvents } from '@plugd/supervisor';
import type { Observation } from '@plugd/protocol';
import { isAlive } from './processes.js';
import { nextEvent } from './supervisor-events.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const nodeFixture = (file: string): string[] => ['node', FIXTURES + file];

export interface PluginSpec {
  readonly name: string;
  readonly command: readonly string[];
  readonly env?: Record<string, string>;
  readonly restart?: Record<string, unknown>;
  readonly timeouts?: Record<string, unknown>;
  readonly maxFrameBytes?: number;
  readonly maxQueued?: number;
}

/** Short timeouts for tests; each spec may override. */
export const FAST_RESTART = { initialDelayMs: 20, factor: 2, maxDelayMs: 500, jitter: 0, minUptimeMs: 60_000, maxRestarts: 1000, windowMs: 60_000, failedRetryMs: 60_000 };
export const FAST_TIMEOUTS = { initMs: 20_000, actionMs: 30_000, shutdownMs: 1_000, cancelGraceMs: 1_000, pingIntervalMs: 200, pingMisses: 5 };

export interface Harness {
  readonly supervisor: Supervisor;
  /** Every pid a plugin process ever had. */
  readonly pids: Set<number>;
  /** Every event of each kind, in order. */
  events<K extends keyof SupervisorEvents>(kind: K): SupervisorEvents[K][0][];
  /** Resolves with the first event of `kind` (from now on) that matches; rejects after `ms`. */
  next<K extends keyof SupervisorEvents>(kind: K, match?: (e: SupervisorEvents[K][0]) => boolean, ms?: number): Promise<SupervisorEvents[K][0]>;
  status(name: string): PluginStatus;
  run(action: string, args?: Record<string, unknown>, timeout?: number): Promise<Observation>;
  /** stop(), then checks that no pid ever seen is alive; throws naming the survivors. */
  stopAndCheck(): Promise<void>;
}

const KINDS = ['state', 'spawn', 'ready', 'start_failed', 'exit', 'restart', 'failed', 'action'] as const;

export function harness(specs: readonly PluginSpec[], extra: Record<string, unknown> = {}): Harness {
  const config = parseConfig(
    {
      ...extra,
      plugins: specs.map((s) => ({
        name: s.name,
        command: [...s.command],
        env: s.env ?? {},
        restart: { ...FAST_RESTART, ...s.restart },
        timeouts: { ...FAST_TIMEOUTS, ...s.timeouts },
        ...(s.maxFrameBytes ? { maxFrameBytes: s.maxFrameBytes } : {}),
        ...(s.maxQueued !== undefined ? { maxQueued: s.maxQueued } : {}),
      })),
    },
    { source: 'test', baseDir: REPO_ROOT },
  );
  const supervisor = new Supervisor(config);
  const pids = new Set<number>();
  const log = new Map<string, unknown[]>();
  for (const kind of KINDS) {
    log.set(kind, []);
    supervisor.on(kind, (e: unknown) => log.get(kind)!.push(e));
  }
  supervisor.on('spawn', (e) => e.pid !== undefined && pids.add(e.pid));
  supervisor.on('ready', (e) => e.pid !== undefined && pids.add(e.pid));

  const h: Harness = {
    supervisor,
    pids,
    events: (kind) => log.get(kind) as never,
    next: (kind, match, ms) => nextEvent(supervisor, kind, match, ms, () => `plugins: ${JSON.stringify(supervisor.plugins())}`),
    status(name) {
      const s = supervisor.plugin(name);
      if (!s) throw new Error(`no plugin ${name}`);
      return s;
    },
    run: (action, args = {}, timeout) => supervisor.execute({ action, args, ...(timeout ? { timeout } : {}) }),
    async stopAndCheck() {
      await supervisor.stop();
      await expectAllGone([...pids]);
    },
  };
  return h;
}

export { isAlive };

/** Waits (polling: no event announces a grandchild's death) until every pid is gone. */
export async function expectAllGone(pids: readonly number[], ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes still running after stop: ${alive.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function errorId(observation: Observation): string | undefined {
  return observation.observation === 'error' ? String((observation.extras as { error_id?: unknown }).error_id) : undefined;
}
