import { redirectConsoleToStderr } from './console-guard.js';
import { refuseManualStart } from './env-guard.js';
import { signalGroup } from './process-group.js';
import { killOwnCgroup, killTrackedGroups } from './process-groups.js';
import { servePlugin } from './serve.js';
import type { PluginServer } from './serve.js';
import type { ActionHandler, PluginDefinition } from './types.js';

/**
 * Turns a definition into a running plugin on this process's stdio. Call it once,
 * at the top level of the plugin's entry file.
 */
export function definePlugin<A extends Record<string, ActionHandler<any>>>(def: PluginDefinition<A>): PluginServer | undefined {
  if (refuseManualStart(def.name)) {
    // Exit now: top-level code after definePlugin (a timer, a child, an open socket)
    // would otherwise keep a plugin started by hand alive instead of exiting 2.
    process.exit(2);
  }
  redirectConsoleToStderr();
  return servePlugin(def, {
    input: process.stdin,
    output: process.stdout,
    onEnd: (reason) => {
      if (reason === 'input-closed') killOwnProcessGroup();
      process.exit(0);
    },
  });
}

/**
 * The supervisor is gone (stdin closed): take down whatever this plugin started,
 * so nothing outlives it: its whole cgroup when plugd made one, else the groups it
 * started and its own group (only when it leads one, as plugd spawns it; otherwise
 * the group is someone else's).
 */
function killOwnProcessGroup(): void {
  killTrackedGroups();
  if (killOwnCgroup()) return;
  if (signalGroup(process.pid, 0)) signalGroup(process.pid, 'SIGKILL');
}
