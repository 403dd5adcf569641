import { readFile } from 'node:fs/promises';
import { FileError } from './errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes look like a binary file (a NUL byte in the first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

/** Reads a UTF-8 text file; a binary or undecodable file is a FileError saying so. */
export async function readTextFile(path: string): Promise<string> {
  const bytes = await readFile(path);
  if (looksBinary(bytes)) {
    throw new FileError(
      `The file ${path} appears to be binary, so it cannot be viewed or edited as text. Inspect it with a tool that understands its format (e.g. \`file\`, \`xxd | head\`).`,
    );
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new FileError(`The file ${path} is not valid UTF-8 text. Inspect it with \`file\` or convert it (e.g. \`iconv\`) first.`);
  }
}

/** Lines of a text (a trailing newline does not start an extra line). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
