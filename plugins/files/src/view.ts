import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter } from './errors.js';
import { catN } from './numbered.js';
import { readTextFile, splitLines } from './text-file.js';

/** `[start, end]`, 1-based inclusive, end -1 = to the end of the file. */
export type ViewRange = readonly number[] | null | undefined;

/** A folder, two levels deep, hidden entries left out (like `find -maxdepth 2 -not -path '*\/.*'`). */
export async function viewDirectory(path: string): Promise<string> {
  const lines: string[] = [path.endsWith('/') ? path : `${path}/`];
  let hidden = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable subfolder: list what we can
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        hidden++;
        continue;
      }
      const full = join(dir, entry.name);
      lines.push(entry.isDirectory() ? `${full}/` : full);
      if (entry.isDirectory() && depth < 2) await walk(full, depth + 1);
    }
  };
  await walk(path, 1);
  const note = hidden > 0 ? `\n\n${hidden} hidden files/directories in this directory are excluded. You can use 'ls -la ${path}' to see them.` : '';
  return `Here's the files and directories up to 2 levels deep in ${path}, excluding hidden items:\n${lines.join('\n')}${note}`;
}

/** A file as `cat -n` shows it, optionally only the lines of `viewRange`. */
export async function viewFile(path: string, viewRange: ViewRange): Promise<string> {
  const text = await readTextFile(path);
  // oh_aci numbers text.split('\n'): an empty file shows its one empty line, a final newline an empty last line.
  if (viewRange === null || viewRange === undefined || viewRange.length === 0) return catN(path, text.split('\n'), 1);
  const lines = splitLines(text);
  if (viewRange.length !== 2 || !viewRange.every(Number.isInteger)) {
    throw invalidParameter('view_range', viewRange, 'It should be a list of two integers.');
  }
  const [start, end] = viewRange as [number, number];
  const count = lines.length;
  if (start < 1 || start > Math.max(count, 1)) {
    throw invalidParameter('view_range', viewRange, `Its first element \`${start}\` should be within the range of lines of the file: [1, ${count}].`);
  }
  if (end !== -1 && end < start) {
    throw invalidParameter('view_range', viewRange, `Its second element \`${end}\` should be greater than or equal to the first element \`${start}\`.`);
  }
  if (end > count) {
    throw invalidParameter('view_range', viewRange, `Its second element \`${end}\` should be smaller than the number of lines in the file: \`${count}\`.`);
  }
  const slice = end === -1 ? lines.slice(start - 1) : lines.slice(start - 1, end);
  return catN(path, slice, start);
}
