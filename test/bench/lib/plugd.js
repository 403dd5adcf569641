// Starting plugd the way a user of the library does, with the echo plugin pinned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlugdHttpServer, Supervisor, parseConfig } from '@plugd/supervisor';
import { pinned } from './pin.js';

// The echo plugin as plugd runs its built-ins: bundled into one file by `pnpm build`
// (scripts/bundle-plugins.mjs). ECHO_ENTRY_UNBUNDLED is tsc's output, for reference rows.
export const ECHO_ENTRY = fileURLToPath(new URL('../../../plugins/echo/dist/plugin.mjs', import.meta.url));
export const ECHO_ENTRY_UNBUNDLED = fileURLToPath(new URL('../../../plugins/echo/dist/index.js', import.meta.url));
const baseDir = mkdtempSync(join(tmpdir(), 'plugd-bench-'));
// Empty, but one per figure process: not left behind in the temp folder.
process.on('exit', () => rmSync(baseDir, { recursive: true, force: true }));

/** One plugin entry running the SDK echo plugin, pinned to `cpu` (unpinned when undefined). */
export function echoPlugin(name, cpu, extra = {}) {
  return { name, command: pinned(cpu, [process.execPath, ECHO_ENTRY]), ...extra };
}

/** A Supervisor over `plugins` (config entries); not started. */
export function makeSupervisor(plugins, top = {}) {
  return new Supervisor(parseConfig({ ...top, plugins }, { source: 'bench', baseDir }));
}

/** A started Supervisor with one echo plugin on `cpu`, plus its plugin pid. */
export async function startEcho(cpu, extra = {}, top = {}) {
  const supervisor = makeSupervisor([echoPlugin('echo', cpu, extra)], top);
  await supervisor.start();
  await supervisor.execute(echoAction('warm'));
  return supervisor;
}

export const echoAction = (text) => ({ action: 'echo', args: { text } });

export function pidOf(supervisor, name = 'echo') {
  return supervisor.plugin(name)?.pid;
}

/** Resolves with the next `ready` event of `name`. */
export function nextReady(supervisor, name = 'echo') {
  return new Promise((resolve) => {
    const onReady = (event) => {
      if (event.plugin !== name) return;
      supervisor.off('ready', onReady);
      resolve(event);
    };
    supervisor.on('ready', onReady);
  });
}

export async function startHttp(supervisor) {
  const http = new PlugdHttpServer(supervisor, { host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 20 });
  await http.listen();
  return http;
}
