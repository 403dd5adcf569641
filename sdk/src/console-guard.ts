import { format } from 'node:util';

/**
 * stdout is the wire: any stray console.log would corrupt a frame. Route every
 * console method to stderr before plugin code runs.
 */
export function redirectConsoleToStderr(): void {
  const toStderr = (...args: unknown[]): void => {
    process.stderr.write(format(...args) + '\n');
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.trace = toStderr;
  console.dir = (obj: unknown) => toStderr(obj);
  console.table = (data: unknown) => toStderr(data);
}
