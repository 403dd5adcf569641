import type { Action, InitializeResult, TraceLevel, RunSession } from '@plugd/protocol';
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
  /** `session`: the shared session state (the shell's cwd) for protocols that carry it. */
  run(action: Action, timeoutMs: number, session?: RunSession): { id: number; result: Promise<unknown> };
  cancel(id: number): void;
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
