/** What a plugin generation is run with. */
export interface LaunchSpec {
  readonly command: readonly string[];
  /** The plugin's own program, when wrappers (setpriv, cgroups) come first in `command`: what must exist. */
  readonly program?: string;
  readonly cwd: string;
  /** The whole environment (nothing is inherited beyond it). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * A running plugin process as PluginProcess sees it: its pid, its three pipes, how it
 * ends, and a signal for its whole process group. The real one is an execa child
 * (execa-launcher.ts); unit tests inject an in-memory one speaking the same framing.
 */
export interface LaunchedProcess {
  /** Undefined when it could not be run at all (then `error` follows). */
  readonly pid: number | undefined;
  readonly stdin: NodeJS.WritableStream & { end(): unknown };
  readonly stdout: NodeJS.ReadableStream;
  readonly stderr: NodeJS.ReadableStream;
  /** The process ended (once). */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** Its stdio closed after the exit (once). */
  onClose(listener: () => void): void;
  /** It could not be spawned (once). */
  onError(listener: (error: Error) => void): void;
  /** Signals the whole process group; false when it is gone. */
  signalGroup(signal: NodeJS.Signals | 0): boolean;
}

export interface ProcessLauncher {
  /** Starts the process, or throws a PlugdError saying why it cannot be run (e.g. PROGRAM_NOT_FOUND). */
  launch(spec: LaunchSpec): LaunchedProcess;
}
