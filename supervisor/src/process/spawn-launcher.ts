import { spawn } from 'node:child_process';
import type { SpawnOptionsWithStdioTuple, StdioPipe } from 'node:child_process';
import { findExecutable } from '../config/find-executable.js';
import { PlugdError } from '../errors.js';
import type { LaunchSpec, LaunchedProcess, ProcessLauncher } from './launcher.js';
import { signalGroup } from './process-group.js';

type PipeOptions = SpawnOptionsWithStdioTuple<StdioPipe, StdioPipe, StdioPipe>;

/**
 * The one place a plugin's command line and spawn options are built: detached (so it
 * leads its own process group), pipes only, no inherited environment beyond `spec.env`.
 * Wrappers (setpriv, cgroups) belong here.
 */
export function launchCommand(spec: LaunchSpec): { file: string; args: string[]; options: PipeOptions } {
  const [file, ...args] = spec.command;
  return {
    file: file!,
    args,
    options: { cwd: spec.cwd, env: { ...spec.env }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  };
}

/** Why `spec`'s program cannot be run, or undefined when it can. */
export function programProblem(spec: LaunchSpec): string | undefined {
  const program = spec.program ?? spec.command[0] ?? '';
  if (findExecutable(program, spec.cwd, spec.env['PATH'] ?? process.env['PATH'])) return undefined;
  return `cannot find the program "${program}" (${program.includes('/') ? 'not an executable file there' : 'not on PATH'}); install it or give a program on PATH or a path to an executable, e.g. ["python3", "./tool.py"]`;
}

const ignore = (): void => undefined;

/**
 * Real processes, through node:child_process (a process-runner library cost ~8 MiB of
 * the supervisor's memory at rest for options plugd does not use).
 */
export const spawnLauncher: ProcessLauncher = {
  launch(spec: LaunchSpec): LaunchedProcess {
    const problem = programProblem(spec);
    if (problem) throw new PlugdError('PROGRAM_NOT_FOUND', problem);
    const { file, args, options } = launchCommand(spec);
    const child = spawn(file, args, options);
    // A failed spawn or a broken pipe is reported to PluginProcess (onError, the frame
    // reader and writer); an 'error' event nobody listens to must never end plugd.
    child.on('error', ignore);
    for (const pipe of [child.stdin, child.stdout, child.stderr]) pipe.on('error', ignore);
    return {
      pid: child.pid,
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      onExit: (listener) => void child.once('exit', listener),
      onClose: (listener) => void child.once('close', () => listener()),
      onError: (listener) => void child.once('error', listener),
      signalGroup: (signal) => (child.pid === undefined ? false : signalGroup(child.pid, signal)),
    };
  },
};
