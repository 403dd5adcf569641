import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { FileError, invalid } from './errors.js';
import { binaryTooBig, MAX_READ_BINARY_BYTES, readLinesCapped } from './read-capped.js';
import { readTextFile } from './text-file.js';

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
};

/** Relative paths are taken from the plugin's working folder, as OpenHands does. */
export function resolvePath(path: string, cwd: string): string {
  return resolve(cwd, path);
}

/** OpenHands' read_lines: 0-based `start`, exclusive `end`, -1 = to the end. */
export function selectLines(lines: readonly string[], start: number, end: number): string[] {
  const from = Math.min(Math.max(start, 0), lines.length);
  if (end === -1) return lines.slice(from);
  return lines.slice(from, Math.min(Math.max(end, -1), lines.length));
}

/** Lines keeping their '\n', like Python's readlines(). */
function readlines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** FileReadAction without the editor: the text of lines [start, end) (clipped past MAX_READ_CHARS), or an image as a data URL. */
export async function readLines(path: string, start: number, end: number, cwd: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FileError(`File not found: ${path}. Your current working directory is ${cwd}. Check the path (e.g. with \`ls\`).`);
    }
    throw error;
  }
  if (info.isDirectory()) throw invalid(`Path is a directory: ${path}. You can only read files; list a directory with \`ls\` or the editor's \`view\`.`);
  const mime = IMAGE_TYPES[extname(path).toLowerCase()];
  if (mime) {
    if (info.size > MAX_READ_BINARY_BYTES) throw binaryTooBig(path, info.size);
    return `data:${mime};base64,${(await readFile(path)).toString('base64')}`;
  }
  return readLinesCapped(path, info.size, start, end);
}

/**
 * FileWriteAction: creates parent folders; with the default range (0, -1) the file
 * becomes `content`, otherwise lines [start, end) of the existing file are replaced.
 */
export async function writeLines(path: string, content: string, start: number, end: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  let existing: string | undefined;
  if (start !== 0 || end !== -1) {
    try {
      existing = await readTextFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  // As OpenHands' insert_lines: every line of `content` ends with a newline ("a" -> "a\n").
  const insert = content.split('\n').map((line) => `${line}\n`).join('');
  if (existing === undefined) {
    await writeFile(path, insert, 'utf8');
    return;
  }
  const lines = readlines(existing);
  const head = start === 0 ? '' : lines.slice(0, start).join('');
  const tail = end === -1 ? '' : lines.slice(end).join('');
  await writeFile(path, head + insert + tail, 'utf8');
}
