import { fileURLToPath } from 'node:url';

/** The interpreter to run: env PLUGD_PYTHON, else `python3` from PATH. */
export function pythonCommand(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env['PLUGD_PYTHON'];
  return chosen && chosen.trim() !== '' ? chosen : 'python3';
}

/** What `initialize` says when the interpreter cannot be started. */
export function missingPythonMessage(command: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env['PLUGD_PYTHON']) {
    return `python interpreter not found: PLUGD_PYTHON=${command} cannot be run; install python3 or set PLUGD_PYTHON to a python3 executable`;
  }
  return 'python3 not found on PATH; install python3 or set PLUGD_PYTHON';
}

/** kernel/driver.py, shipped beside dist/ in this package. */
export function driverPath(): string {
  return fileURLToPath(new URL('../kernel/driver.py', import.meta.url));
}
