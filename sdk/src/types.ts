import type { Action, ActionInput, IdempotentRule, LogLevel, Observation } from '@plugd/protocol';
import type { z } from 'zod';

export interface PluginLogger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/** What `initialize` hands a plugin. */
export interface InitContext {
  /** The plugin's name as configured in plugd. */
  readonly name: string;
  readonly username: string;
  /** The plugin's `config` object from plugd.json (`{}` when none). */
  readonly config: Record<string, unknown>;
  readonly log: PluginLogger;
}

/** What `run` gets beside its parsed args. */
export interface RunContext extends InitContext {
  /** Fired when the supervisor cancels the action ($/cancelRequest) or the plugin stops. */
  readonly signal: AbortSignal;
  /** The action as received (type, raw args, timeout). */
  readonly action: Action;
  /** Milliseconds left before the supervisor gives up on this action. */
  readonly timeoutMs: number;
  /** `Date.now()` value at which the supervisor gives up on this action. */
  readonly deadline: number;
  /** The shell's current working directory as plugd last saw it (absent before any shell command). */
  readonly cwd?: string;
  /** Sends partial output (`plugd/progress`); also tells the supervisor the action is alive. */
  progress(content: string): void;
  /**
   * Runs another action through plugd (`plugd/execute`), routed like any action, within
   * what is left of this action's deadline; cancelled when this action is. Allowed only
   * for the types in this plugin's `calls` config; a refusal is an error Observation
   * (CALL_REFUSED). Never rejects.
   */
  execute(action: ActionInput): Promise<Observation>;
}

export interface ActionHandler<S extends z.ZodType = z.ZodType> {
  /** Schema of the action's `args`. Unknown fields should be allowed (z.object strips them). */
  readonly args: S;
  run(args: z.infer<S>, ctx: RunContext): Promise<Observation> | Observation;
}

export interface PluginDefinition<A extends Record<string, ActionHandler<any>> = Record<string, ActionHandler<any>>> {
  readonly name: string;
  readonly version: string;
  readonly actions: A;
  /** How many `run` requests the supervisor may send at once (default 1). */
  readonly concurrency?: number;
  /**
   * Actions safe to run twice (no effect beyond the first run): plugd runs one of these
   * once more if the plugin crashes under it. A rule is a type, or a type narrowed by
   * argument values: `{action: 'edit', args: {command: ['view']}}`.
   */
  readonly idempotent?: readonly IdempotentRule[];
  /** Runs once before the plugin answers `initialize`; a throw fails the start with its message. */
  initialize?(ctx: InitContext): Promise<void> | void;
  /** Runs on `shutdown` and when stdin closes, before the process exits. */
  dispose?(): Promise<void> | void;
}

export type { LogLevel };
