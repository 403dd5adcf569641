import { execa } from 'execa';
import type { Options } from 'execa';
import { findExecutable } from '../config/find-executable.js';
import { PlugdError } from '../errors.js';
import type { LaunchSpec, LaunchedProcess, ProcessLauncher } from './launcher.js';
import { signalGroup } from './process-group.js';

/**
 * The one place a plugin's command line and spawn options are built: detached (so it
 * leads its own process group), pipes only, no inherited environment beyond `spec.env`.
 * Wrappers (setpriv, cgroups) belong here.
 */
export function launchCommand(spec: LaunchSpec): { file: string; args: string[]; options: Options } {
  const [file, ...args] = spec.command;
  return {
    file: file!,
    args,
    options: {
      cwd: spec.cwd,
      env: { ...spec.env },
      extendEnv: false,
      detached: true,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: false,
      stripFinalNewline: false,
    },
  };
}

/** Why `spec`'s program cannot be run, or undefined when it can. */
export function programProblem(spec: LaunchSpec): string | undefined {
  const program = spec.program ?? spec.command[0] ?? '';
  if (findExecutable(program, spec.cwd, spec.env['PATH'] ?? process.env['PATH'])) return undefined;
  return `cannot find the program "${program}" (${program.includes('/') ? 'not an executable file there' : 'not on PATH'}); install it or give a program on PATH or a path to an executable, e.g. ["python3", "./tool.py"]`;
}

/** Real processes, through execa. */
export const execaLauncher: ProcessLauncher = {
  launch(spec: LaunchSpec): LaunchedProcess {
    const problem = programProblem(spec);
    if (problem) throw new PlugdError('PROGRAM_NOT_FOUND', problem);
    const { file, args, options } = launchCommand(spec);
    const child = execa(file, args, options);
    child.catch(() => undefined);
    return {
      pid: child.pid,
      stdin: child.stdin!,
      stdout: child.stdout!,
      stderr: child.stderr!,
      onExit: (listener) => void child.once('exit', listener),
      onClose: (listener) => void child.once('close', () => listener()),
      onError: (listener) => void child.once('error', listener),
      signalGroup: (signal) => (child.pid === undefined ? false : signalGroup(child.pid, signal)),
    };
  },
};
