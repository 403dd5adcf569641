/** Environment variables the cgroup wrapper gives the plugin (and only the plugin: its pid must match). */
export const CGROUP_KILL_ENV = 'PLUGD_CGROUP_KILL';
export const CGROUP_PID_ENV = 'PLUGD_CGROUP_PID';
/** What the Node gate (node-gate.cjs) waits for: the cgroup's /proc/<pid>/cgroup entries and a deadline. */
export const CGROUP_GATE_ENV = 'PLUGD_CGROUP_GATE';

/**
 * The command that runs `command` inside a cgroup with no window for an early fork
 * to escape: a POSIX shell writes its own pid into each `cgroup.procs`, then execs
 * the plugin (same pid, so the supervisor's child is the plugin). Composable: it takes
 * a command and returns one, so another wrapper (setpriv for `user`) goes inside it;
 * this one must stay outermost, as writing cgroup.procs needs the supervisor's rights.
 * `killFile` (cgroup.kill) is told to the plugin so that, orphaned, it can kill its group.
 */
export function enterCgroupCommand(procsFiles: readonly string[], command: readonly string[], killFile?: string): string[] {
  const enter = procsFiles.map((file) => `echo $$ > ${shellQuote(file)}`).join(' && ');
  const env = killFile ? `${CGROUP_KILL_ENV}=${shellQuote(killFile)} ${CGROUP_PID_ENV}=$$; export ${CGROUP_KILL_ENV} ${CGROUP_PID_ENV}; ` : '';
  // `unset PWD`: sh would add it to the plugin's minimal environment.
  const script = `${enter} || { echo "plugd: cannot move the plugin into its cgroup" >&2; exit 125; }; unset PWD; ${env}exec "$@"`;
  return ['/bin/sh', '-c', script, 'plugd-cgroup', ...command];
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
