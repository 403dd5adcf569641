/**
 * A black-box stand-in for OpenHands' `_load_runtime` in its runtime tests: a real
 * `plugd start` with the shell, files and python built-ins working in a fresh
 * workspace folder, driven over HTTP only.
 */
import { realpathSync } from 'node:fs';
import { http, startPlugd, tempDir } from '../helpers/plugd-process.js';
import type { PlugdProcess } from '../helpers/plugd-process.js';

export interface Obs {
  observation: string;
  content: string;
  extras: Record<string, any>;
  success?: boolean;
  message?: string;
}

export interface Runtime {
  readonly plugd: PlugdProcess;
  /** The workspace (OpenHands' workspace_mount_path_in_sandbox). */
  readonly workspace: string;
  readonly key: string;
  run(command: string, options?: { isInput?: boolean; timeout?: number; blocking?: boolean }): Promise<Obs>;
  act(action: Record<string, unknown>): Promise<Obs>;
  close(): Promise<void>;
}

export async function loadRuntime(options: { noChangeTimeoutSeconds?: number; env?: Record<string, string>; server?: Record<string, unknown> } = {}): Promise<Runtime> {
  const tmp = tempDir('plugd-oh-');
  const workspace = realpathSync(tmp.dir);
  const key = 'openhands-parity-key';
  const env = { NO_CHANGE_TIMEOUT_SECONDS: String(options.noChangeTimeoutSeconds ?? 10), ...options.env };
  const config = tmp.write('.plugd.json', {
    ...(options.server ? { server: options.server } : {}),
    plugins: [
      { name: 'shell', config: { cwd: workspace }, env },
      { name: 'files', config: { cwd: workspace } },
      { name: 'python', config: { cwd: workspace } },
    ],
  });
  const plugd = await startPlugd(['--port', '0', '-c', config, '--log-level', 'info'], { env: { SESSION_API_KEY: key } });
  await plugd.ready();
  const headers = { 'X-Session-API-Key': key };
  const act = async (action: Record<string, unknown>): Promise<Obs> => {
    const answer = await http(plugd.url, '/execute_action', { body: { action }, headers });
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.text}`);
    return answer.body as Obs;
  };
  // `ls -l` in a fresh workspace says "total 0" as in OpenHands' tests: keep the config out of it.
  await act({ action: 'run', args: { command: `rm -f ${config}` } });
  return {
    plugd,
    workspace,
    key,
    act,
    run: (command, o = {}) =>
      act({
        action: 'run',
        args: { command, is_input: o.isInput ?? false, ...(o.blocking ? { blocking: true } : {}) },
        ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
      }),
    close: async () => {
      await plugd.stop();
      tmp.remove();
    },
  };
}

export const exitCode = (obs: Obs): number => obs.extras['metadata']?.exit_code;
export const md = (obs: Obs): Record<string, any> => obs.extras['metadata'] ?? {};

/** OpenHands' get_timeout_suffix(seconds) with Python's float formatting. */
export const TIMEOUT_MESSAGE_TEMPLATE =
  "You may wait longer to see additional output by sending empty command '', send other commands to interact with the current process, " +
  'send keys ("C-c", "C-z", "C-d") to interrupt/kill the previous command before sending your new command, or use the timeout parameter in execute_bash for future commands.';
export const timeoutSuffix = (seconds: string) => `[The command timed out after ${seconds} seconds. ${TIMEOUT_MESSAGE_TEMPLATE}]`;
