import { basename } from 'node:path';
import { launchedCommandAt } from './exec-launchers.js';
import type { LauncherName } from './exec-launchers.js';
import { unsafeNodeOption } from './node-flags.js';

/** What a program on a command line really is, once resolved (exec-identity.ts); undefined: anything else. */
export type ProgramKind = 'node' | LauncherName | undefined;

export type GateDecision =
  /** `command[nodeAt]` is the Node binary the process ends up running: the gate goes right after it. */
  | { readonly gate: true; readonly nodeAt: number; readonly changesUser: boolean }
  /** The sh wrapper, and why (for the log). */
  | { readonly gate: false; readonly why: string };

/**
 * Variables of the plugin's environment that make Node run code before its first
 * `--require` preload: NODE_OPTIONS (its --require/--import/--loader come before the
 * command line's), a compile cache (bytecode for the gate itself, from a folder a plugin
 * may write), an OpenSSL config (loaded at startup; may load engines and providers).
 */
const UNSAFE_ENV = [/^NODE_OPTIONS$/, /^NODE_COMPILE_CACHE$/, /^OPENSSL_/];

/** Launchers in a row before node, at most (taskset under setpriv is two). */
const MAX_LAUNCHERS = 4;

/**
 * Pure: may this command take the Node gate instead of the sh wrapper? Only when what
 * runs in the end is a real Node binary (`kind` resolves each program: a shell-script
 * shim is not one), reached through exec-only launchers whose arguments parse with
 * certainty, with no option or variable that runs code before the gate.
 */
export function decideGate(command: readonly string[], env: Readonly<Record<string, string>>, kind: (program: string) => ProgramKind): GateDecision {
  const variable = Object.keys(env).find((name) => env[name]?.trim() && UNSAFE_ENV.some((re) => re.test(name)));
  if (variable) return { gate: false, why: `${variable} is set (it can run code before the gate)` };
  let changesUser = false;
  for (let at = 0, hops = 0; at < command.length; hops++) {
    const program = command[at]!;
    const what = kind(program);
    if (what === 'node') {
      const unsafe = unsafeNodeOption(command.slice(at + 1));
      return unsafe ? { gate: false, why: `node option ${unsafe} is not known to be safe before the gate` } : { gate: true, nodeAt: at, changesUser };
    }
    if (what === undefined) return { gate: false, why: `${basename(program)} is not a Node binary nor an exec-only launcher` };
    if (hops >= MAX_LAUNCHERS) return { gate: false, why: `more than ${MAX_LAUNCHERS} launchers before node` };
    const next = launchedCommandAt(what, command.slice(at + 1));
    if (next === undefined) return { gate: false, why: `${what} arguments not understood with certainty` };
    changesUser ||= what === 'setpriv';
    at += 1 + next;
  }
  return { gate: false, why: 'no program' };
}
