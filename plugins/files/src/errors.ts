import { ErrorIds, errorObservation } from '@plugd/sdk';
import type { Observation } from '@plugd/sdk';

/** A failure to report to the agent as an error Observation (with what to do about it). */
export class FileError extends Error {
  constructor(
    message: string,
    readonly errorId: string = ErrorIds.PLUGIN_ERROR,
  ) {
    super(message);
  }
}

export const invalid = (message: string): FileError => new FileError(message, ErrorIds.INVALID_ACTION);

/** oh_aci's EditorToolParameterInvalidError text. */
export const invalidParameter = (parameter: string, value: unknown, hint?: string): FileError =>
  invalid(`Invalid \`${parameter}\` parameter: ${pyRepr(value)}.${hint ? ` ${hint}` : ''}`);

/** oh_aci's EditorToolParameterMissingError text. */
export const missingParameter = (parameter: string, command: string): FileError => invalid(`Parameter \`${parameter}\` is required for command: ${command}.`);

/** A value as Python's str() prints it in oh_aci's messages (lists as `[1, 2]`). */
export function pyRepr(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return String(value);
}

/** Runs `body`; a FileError or a Node fs error becomes an error Observation. */
export async function asObservation(path: string, body: () => Promise<Observation>): Promise<Observation> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof FileError) return errorObservation(error.errorId, error.message);
    return errorObservation(ErrorIds.PLUGIN_ERROR, describeFsError(error, path));
  }
}

/** A Node fs error in words, with the fix. */
export function describeFsError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `The path ${path} does not exist. Please provide a valid path (check it with \`ls\`).`;
    case 'EACCES':
    case 'EPERM':
      return `Permission denied for ${path}. Use a path you may access, or change its permissions (chmod/chown) first.`;
    case 'EISDIR':
      return `The path ${path} is a directory, but a file was expected. Give the path of a file inside it.`;
    case 'ENOTDIR':
      return `A component of the path ${path} is a file, not a directory. Fix the path.`;
    case 'EROFS':
      return `The path ${path} is on a read-only file system; it cannot be written.`;
    case 'ENOSPC':
      return `No space left on the device while writing ${path}.`;
    default:
      return `Could not access ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
