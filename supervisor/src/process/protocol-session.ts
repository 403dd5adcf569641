import type { Action, Caller, InitializeResult, TraceLevel, RunSession } from '@plugd/protocol';
import type { PluginOptions } from '../config/types.js';
import type { FrameListener } from '../trace/frame-event.js';
import type { LaunchedProcess } from './launcher.js';

/** What the session tells its PluginProcess. */
export interface SessionHandlers {
  /** Any message from the plugin: proof of life for the liveness check. */
  onActivity(): void;
  onNotification(method: string, params: unknown): void;
  /** Unrecoverable stream error (bad frame, broken pipe). */
  onBroken(error: Error): void;
  /** A request from the plugin (plugd/execute): its answer, or undefined when the method is not served. */
  onRequest?(method: string, params: unknown): Promise<unknown> | undefined;
}

/** What a `run` carries besides the action, for protocols that carry it. */
export interface RunContext {
  /** The shared session state (the shell's cwd). */
  readonly session?: RunSession | undefined;
  /** Who asked for the action when another plugin did (`plugd/execute`). */
  readonly caller?: Caller | undefined;
  /** Progress the plugin reports for this action (MCP `notifications/progress`), for whoever asked for it. */
  readonly onProgress?: ((progress: ActionProgress) => void) | undefined;
}

/** One progress report of a running action, as MCP's `notifications/progress` carries it. */
export interface ActionProgress {
  readonly progress: number;
  readonly total?: number | undefined;
  readonly message?: string | undefined;
}

export interface SessionContext {
  readonly options: PluginOptions;
  readonly username: string;
  readonly trace: TraceLevel;
}

/** An MCP tool as the server lists it (name, description, input schema, ...). */
export interface ToolInfo {
  readonly name: string;
  readonly description?: string | undefined;
  readonly inputSchema: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/**
 * One generation's conversation with its plugin, in the plugin's protocol. The process
 * supervision (spawn, liveness timer, stop ladder, exit) is the same for every protocol;
 * only these steps differ.
 */
export interface ProtocolSession {
  frameListener: FrameListener | undefined;
  /** The handshake; resolves with what the plugin serves (plugd's initialize result shape). */
  handshake(): Promise<InitializeResult>;
  /** A liveness probe (`$/ping`, MCP `ping`). */
  ping(): Promise<unknown>;
  /** Runs one action; `id` is known at once (for cancel). Resolves with the Observation. */
  /** `context`: the session state and the caller, for protocols that carry them. */
  run(action: Action, timeoutMs: number, context?: RunContext): { id: number; result: Promise<unknown> };
  /** Cancels request `id` (`reason`: why, for protocols that carry one). */
  cancel(id: number, reason?: string): void;
  /** The protocol's own goodbye (plugd: shutdown + exit); resolves true when the plugin acknowledged it. */
  shutdown(timeoutMs: number): Promise<boolean>;
  /** Rejects every pending request with `error`; later requests fail at once. */
  close(error: Error): void;
  dispose(): void;
  /** MCP servers: the tools listed, kept fresh on `tools/list_changed`. */
  readonly tools?: readonly ToolInfo[];
}

/** A plugin protocol: a small strategy chosen per plugin (`"protocol"` in the config). */
export interface PluginProtocol {
  readonly name: 'plugd' | 'mcp';
  open(child: LaunchedProcess, context: SessionContext, handlers: SessionHandlers): ProtocolSession;
}
