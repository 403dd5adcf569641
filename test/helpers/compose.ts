/**
 * A real Supervisor over fixture plugins from a raw plugd.json object, for the
 * composition tests: records every event, remembers every pid, and after stop()
 * proves no process is left.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, Supervisor } from '@plugd/supervisor';
import type { SupervisorConfig, SupervisorEvents } from '@plugd/supervisor';
import { FAST_RESTART, FAST_TIMEOUTS, FIXTURES, REPO_ROOT, expectAllGone } from './supervision.js';
import { nextEvent } from './supervisor-events.js';

export const COMPOSE = ['node', `${FIXTURES}compose.mjs`];

/** A fixture plugin entry: compose.mjs named `name`, fast restarts and timeouts. */
export function composePlugin(name: string, extra: Record<string, unknown> = {}, env: Record<string, string> = {}): Record<string, unknown> {
  return { name, command: COMPOSE, env: { FIXTURE_NAME: name, ...env }, restart: FAST_RESTART, timeouts: FAST_TIMEOUTS, ...extra };
}

export function configOf(raw: Record<string, unknown>) {
  return parseConfig(raw, { source: 'test', baseDir: REPO_ROOT });
}

export class ComposeHarness {
  readonly supervisor: Supervisor;
  readonly pids = new Set<number>();
  readonly log: { [K in keyof SupervisorEvents]?: SupervisorEvents[K][0][] } = {};
  readonly dir = mkdtempSync(join(tmpdir(), 'plugd-compose-'));

  /** `config`: a raw plugd.json object, or a config already loaded (e.g. from a file). */
  constructor(config: Record<string, unknown> | SupervisorConfig, options: ConstructorParameters<typeof Supervisor>[1] = {}) {
    this.supervisor = new Supervisor('source' in config ? (config as SupervisorConfig) : configOf(config), options);
    for (const kind of ['state', 'spawn', 'ready', 'exit', 'action', 'fallback', 'retry', 'call', 'config_reload'] as const) {
      this.supervisor.on(kind, ((e: unknown) => void ((this.log[kind] ??= []) as unknown[]).push(e)) as never);
    }
    this.supervisor.on('spawn', (e) => e.pid !== undefined && this.pids.add(e.pid));
  }

  events<K extends keyof SupervisorEvents>(kind: K): SupervisorEvents[K][0][] {
    return (this.log[kind] ?? []) as SupervisorEvents[K][0][];
  }

  next<K extends keyof SupervisorEvents>(kind: K, match?: (e: SupervisorEvents[K][0]) => boolean, ms?: number) {
    return nextEvent(this.supervisor, kind, match, ms, () => `plugins: ${JSON.stringify(this.supervisor.plugins())}`);
  }

  run(action: string, args: Record<string, unknown> = {}, timeout?: number) {
    return this.supervisor.execute({ action, args, ...(timeout ? { timeout } : {}) });
  }

  status(name: string) {
    const s = this.supervisor.plugin(name);
    if (!s) throw new Error(`no plugin ${name}`);
    return s;
  }

  /** The lines compose.mjs appended to `file` (one per action received). */
  received(file: string): string[] {
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  async close(): Promise<void> {
    try {
      await this.supervisor.stop();
      await expectAllGone([...this.pids]);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
