import type { PluginState } from './plugin-state.js';

/** What moves a plugin from one state to another. */
export type LifecycleEvent =
  | 'start' // first start
  | 'ready' // a generation answered initialize and serves
  | 'reload' // blue/green reload asked (a fresh start when nothing serves)
  | 'reload-failed' // the new generation did not start; the old one keeps serving
  | 'restart' // restart asked (API, or a failed plugin probed at once)
  | 'crashed' // the serving generation exited, or a start failed: a restart is scheduled
  | 'gave-up' // too many exits, a failed probe, or a program that does not exist: failed, probed later
  | 'exited' // exited and the restart mode says stay stopped
  | 'probe' // a failed plugin's retry timer fired
  | 'stop' // stop asked
  | 'stopped' // every generation is gone
  | 'disable' // its `when` condition is false: it does not run
  | 'enable' // its condition holds again (config reload)
  | 'wait'; // a dependency is not ready: it starts when they all are

/**
 * The plugin lifecycle, whole: for each state, the events it accepts and where each
 * leads. Anything else is a bug (Lifecycle reports it). docs/supervision.md draws
 * this table; a test keeps the drawing and the table equal.
 */
export const LIFECYCLE: { readonly [S in PluginState]: Readonly<Partial<Record<LifecycleEvent, PluginState>>> } = {
  stopped: { start: 'starting', restart: 'restarting', reload: 'restarting', stop: 'stopping', disable: 'disabled', wait: 'waiting' },
  starting: { ready: 'ready', crashed: 'restarting', 'gave-up': 'failed', exited: 'stopped', restart: 'restarting', stop: 'stopping' },
  ready: { reload: 'reloading', restart: 'restarting', crashed: 'restarting', 'gave-up': 'failed', exited: 'stopped', stop: 'stopping' },
  reloading: { ready: 'ready', 'reload-failed': 'ready', crashed: 'restarting', 'gave-up': 'failed', exited: 'stopped', restart: 'restarting', stop: 'stopping' },
  restarting: { ready: 'ready', crashed: 'restarting', 'gave-up': 'failed', exited: 'stopped', restart: 'restarting', reload: 'restarting', stop: 'stopping' },
  failed: { probe: 'restarting', restart: 'restarting', reload: 'restarting', stop: 'stopping' },
  stopping: { stop: 'stopping', stopped: 'stopped' },
  disabled: { enable: 'stopped', disable: 'disabled', stop: 'stopping' },
  waiting: { start: 'starting', wait: 'waiting', stop: 'stopping', disable: 'disabled' },
};

export class IllegalTransition extends Error {
  constructor(
    readonly from: PluginState,
    readonly event: LifecycleEvent,
  ) {
    super(`plugin lifecycle: event "${event}" is not allowed in state "${from}" (see LIFECYCLE)`);
    this.name = 'IllegalTransition';
  }
}

/** One plugin's state, moved only by events the table allows. */
export class Lifecycle {
  private current: PluginState = 'stopped';

  constructor(
    /** A state change (not called for a transition to the same state). */
    private readonly onChange: (state: PluginState, previous: PluginState) => void,
    /** An event the table does not allow in the current state: the state is left as it is. */
    private readonly onIllegal: (error: IllegalTransition) => void,
  ) {}

  get state(): PluginState {
    return this.current;
  }

  /** Whether `event` is allowed now. */
  accepts(event: LifecycleEvent): boolean {
    return LIFECYCLE[this.current][event] !== undefined;
  }

  fire(event: LifecycleEvent): void {
    const previous = this.current;
    const next = LIFECYCLE[previous][event];
    if (next === undefined) {
      this.onIllegal(new IllegalTransition(previous, event));
      return;
    }
    if (next === previous) return;
    this.current = next;
    this.onChange(next, previous);
  }
}

/** The table as a Mermaid state diagram (the block in docs/supervision.md). */
export function lifecycleDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> stopped'];
  for (const [from, events] of Object.entries(LIFECYCLE)) {
    for (const [event, to] of Object.entries(events)) lines.push(`  ${from} --> ${to}: ${event}`);
  }
  return lines.join('\n');
}
