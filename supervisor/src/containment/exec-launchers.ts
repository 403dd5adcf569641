/**
 * Launchers that change one thing about a process and then exec the rest of their
 * command line (same pid, no fork, environment untouched): a Node plugin behind them
 * may still take the Node gate. Each grammar is a strict subset of the tool's own
 * (util-linux taskset, ionice, chrt, setpriv; coreutils nice; all stop at their first
 * non-option): only forms whose meaning is certain. Anything else, such as setpriv's
 * --reset-env, which would drop the gate's variable, keeps the sh wrapper.
 */
export const LAUNCHERS = ['taskset', 'nice', 'ionice', 'chrt', 'setpriv'] as const;
export type LauncherName = (typeof LAUNCHERS)[number];

export function isLauncherName(name: string): name is LauncherName {
  return (LAUNCHERS as readonly string[]).includes(name);
}

/** Where the exec'd command starts in `args` (the launcher's own arguments), or undefined when unsure. */
export function launchedCommandAt(name: LauncherName, args: readonly string[]): number | undefined {
  const at = GRAMMARS[name](args);
  // A command must follow, and not look like an option the launcher would have taken.
  return at !== undefined && at < args.length && !args[at]!.startsWith('-') ? at : undefined;
}

const INTEGER = /^[+-]?\d+$/;
const UNSIGNED = /^\d+$/;
/** A hex mask ("3", "0xff") or a CPU list ("0-3,5", "0-7:2"). */
const CPU_MASK = /^[0-9a-fA-F][0-9a-fA-Fx,:-]*$/;
const IO_CLASS = /^([0-3]|none|realtime|best-effort|idle)$/;

const GRAMMARS: Record<LauncherName, (args: readonly string[]) => number | undefined> = {
  /** taskset [-c|--cpu-list] MASK COMMAND... */
  taskset: (args) => {
    const at = args[0] === '-c' || args[0] === '--cpu-list' ? 1 : 0;
    return args[at] !== undefined && CPU_MASK.test(args[at]) ? at + 1 : undefined;
  },
  /** nice [-n N | --adjustment=N] COMMAND... */
  nice: (args) => {
    if (args[0] === '-n') return args[1] !== undefined && INTEGER.test(args[1]) ? 2 : undefined;
    if (args[0]?.startsWith('--adjustment=')) return INTEGER.test(args[0].slice('--adjustment='.length)) ? 1 : undefined;
    return 0;
  },
  /** ionice [-c CLASS] [-n LEVEL] [-t] COMMAND... */
  ionice: (args) => {
    let i = 0;
    for (;;) {
      const arg = args[i];
      if (arg === '-c' && args[i + 1] !== undefined && IO_CLASS.test(args[i + 1]!)) i += 2;
      else if (arg === '-n' && args[i + 1] !== undefined && UNSIGNED.test(args[i + 1]!)) i += 2;
      else if (arg === '-t') i += 1;
      else return i;
    }
  },
  /** chrt [-b|-f|-i|-o|-r] [-R] PRIORITY COMMAND... */
  chrt: (args) => {
    let i = 0;
    if (['-b', '--batch', '-f', '--fifo', '-i', '--idle', '-o', '--other', '-r', '--rr'].includes(args[i] ?? '')) i++;
    if (args[i] === '-R' || args[i] === '--reset-on-fork') i++;
    return args[i] !== undefined && UNSIGNED.test(args[i]!) ? i + 1 : undefined;
  },
  /** setpriv [--reuid=U --regid=G --groups=L ... (identity options only)] [--] COMMAND... */
  setpriv: (args) => {
    const valued = ['--reuid=', '--regid=', '--ruid=', '--euid=', '--rgid=', '--egid=', '--groups='];
    const bare = ['--clear-groups', '--keep-groups', '--init-groups', '--nnp', '--no-new-privs'];
    let i = 0;
    for (; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '--') return i + 1;
      if (bare.includes(arg)) continue;
      const prefix = valued.find((p) => arg.startsWith(p));
      if (!prefix || arg.length === prefix.length) return arg.startsWith('-') ? undefined : i;
    }
    return i;
  },
};
