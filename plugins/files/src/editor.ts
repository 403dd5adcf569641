import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FileError, invalid, invalidParameter, missingParameter, pyRepr } from './errors.js';
import { EditHistory } from './history.js';
import { catN, snippet } from './numbered.js';
import { requireAbsolute, requireFile, statOrUndefined } from './paths.js';
import { readTextFile, splitLines } from './text-file.js';
import { viewDirectory, viewFile } from './view.js';
import type { ViewRange } from './view.js';

export const EDITOR_COMMANDS = ['view', 'create', 'str_replace', 'insert', 'undo_edit', 'write'] as const;
export type EditorCommand = (typeof EDITOR_COMMANDS)[number];

export interface EditorArgs {
  readonly command: EditorCommand;
  readonly path: string;
  readonly file_text?: string | null | undefined;
  readonly old_str?: string | null | undefined;
  readonly new_str?: string | null | undefined;
  readonly insert_line?: number | null | undefined;
  readonly view_range?: ViewRange;
  readonly content?: string | null | undefined;
}

/** What the editor did: its message for the agent and the file before/after. */
export interface EditorResult {
  readonly path: string;
  readonly output: string;
  readonly prevExist: boolean;
  readonly oldText: string;
  readonly newText: string;
}

const REVIEW = 'Review the changes and make sure they are as expected. Edit the file again if necessary.';

function required<T>(value: T | null | undefined, name: string, command: string): T {
  if (value === null || value === undefined) throw missingParameter(name, command);
  return value;
}

/**
 * Where `needle` occurs in `text` as oh_aci finds it (non-overlapping regex matches; an
 * empty `old_str` matches at every position): the count and the sorted 1-based lines.
 */
function occurrences(text: string, needle: string): { count: number; lines: number[] } {
  const lines = new Set<number>();
  let count = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) break;
    count++;
    lines.add(text.slice(0, at).split('\n').length);
    from = at + Math.max(needle.length, 1);
    if (at >= text.length) break;
  }
  return { count, lines: [...lines].sort((a, b) => a - b) };
}

/**
 * OpenHands' file editor (openhands-aci's OHEditor) commands over real files:
 * view, create, str_replace, insert, undo_edit, and write (create or overwrite).
 */
export class Editor {
  private readonly history = new EditHistory();

  constructor(private readonly cwd: string) {}

  /** The absolute path a command works on (throws for a relative one; `cwd` is for the suggestion). */
  target(path: string, cwd = this.cwd): string {
    return requireAbsolute(path, cwd);
  }

  async run(args: EditorArgs): Promise<EditorResult> {
    const path = resolve(args.path);
    switch (args.command) {
      case 'view':
        return this.view(path, args.view_range);
      case 'create':
        return this.create(path, required(args.file_text, 'file_text', 'create'));
      case 'write':
        return this.write(path, args.file_text ?? required(args.content, 'file_text', 'write'));
      case 'str_replace':
        return this.strReplace(path, required(args.old_str, 'old_str', 'str_replace'), args.new_str ?? '');
      case 'insert':
        return this.insert(path, required(args.insert_line, 'insert_line', 'insert'), required(args.new_str, 'new_str', 'insert'));
      case 'undo_edit':
        return this.undo(path);
    }
  }

  private async view(path: string, viewRange: ViewRange): Promise<EditorResult> {
    const info = await statOrUndefined(path);
    if (!info) throw invalidParameter('path', path, `The path ${path} does not exist. Please provide a valid path.`);
    if (info.isDirectory()) {
      if (viewRange) throw invalidParameter('view_range', viewRange, 'The `view_range` parameter is not allowed when `path` points to a directory.');
      return { path, output: await viewDirectory(path), prevExist: true, oldText: '', newText: '' };
    }
    return { path, output: await viewFile(path, viewRange), prevExist: true, oldText: '', newText: '' };
  }

  private async save(path: string, text: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  }

  private async create(path: string, text: string): Promise<EditorResult> {
    const info = await statOrUndefined(path);
    if (info) {
      throw invalidParameter('path', path, `File already exists at: ${path}. Cannot overwrite files using command \`create\`.`);
    }
    await this.save(path, text);
    this.history.push(path, undefined);
    return { path, output: `File created successfully at: ${path}`, prevExist: false, oldText: '', newText: text };
  }

  private async write(path: string, text: string): Promise<EditorResult> {
    const info = await statOrUndefined(path);
    if (info?.isDirectory()) throw invalidParameter('path', path, `The path ${path} is a directory and only the \`view\` command can be used on directories.`);
    const before = info ? await readTextFile(path) : undefined;
    await this.save(path, text);
    this.history.push(path, before);
    return {
      path,
      output: `File ${info ? 'written' : 'created'} successfully at: ${path}`,
      prevExist: info !== undefined,
      oldText: before ?? '',
      newText: text,
    };
  }

  private async strReplace(path: string, oldStr: string, newStr: string): Promise<EditorResult> {
    await requireFile(path, 'str_replace');
    const text = await readTextFile(path);
    if (oldStr === newStr) throw invalidParameter('new_str', newStr, 'No replacement was performed. `new_str` and `old_str` must be different.');
    const { count, lines } = occurrences(text, oldStr);
    if (count === 0) throw invalid(`No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`);
    if (count > 1) {
      throw invalid(`No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines ${pyRepr(lines)}. Please ensure it is unique.`);
    }
    const at = text.indexOf(oldStr);
    const updated = text.slice(0, at) + newStr + text.slice(at + oldStr.length);
    await this.save(path, updated);
    this.history.push(path, text);
    const first = lines[0]!;
    const output = `The file ${path} has been edited. ${snippet(path, updated, first, first + newStr.split('\n').length - 1)}${REVIEW}`;
    return { path, output, prevExist: true, oldText: text, newText: updated };
  }

  private async insert(path: string, insertLine: number, newStr: string): Promise<EditorResult> {
    await requireFile(path, 'insert');
    const text = await readTextFile(path);
    const lines = text === '' ? [] : text.split('\n');
    const endsWithNewline = text.endsWith('\n');
    const count = endsWithNewline ? lines.length - 1 : lines.length;
    if (!Number.isInteger(insertLine) || insertLine < 0 || insertLine > count) {
      throw invalidParameter('insert_line', insertLine, `It should be within the range of allowed values: ${pyRepr([0, count])}`);
    }
    const body = endsWithNewline ? lines.slice(0, -1) : lines;
    const inserted = newStr.split('\n');
    const result = [...body.slice(0, insertLine), ...inserted, ...body.slice(insertLine)];
    const updated = result.join('\n') + (endsWithNewline || body.length === 0 ? '\n' : '');
    await this.save(path, updated);
    this.history.push(path, text);
    const output =
      `The file ${path} has been edited. ${snippet(path, updated, insertLine + 1, insertLine + inserted.length)}` +
      'Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.';
    return { path, output, prevExist: true, oldText: text, newText: updated };
  }

  private async undo(path: string): Promise<EditorResult> {
    const entry = this.history.pop(path);
    if (!entry) throw invalid(`No edit history found for ${path}.`);
    const info = await statOrUndefined(path);
    const current = info && !info.isDirectory() ? await readTextFile(path).catch(() => '') : '';
    if (entry.before === undefined) {
      await rm(path, { force: true });
      return { path, output: `Last edit to ${path} undone successfully: the file did not exist before it, so it was removed.`, prevExist: info !== undefined, oldText: current, newText: '' };
    }
    await this.save(path, entry.before);
    const output = `Last edit to ${path} undone successfully. ${catN(path, splitLines(entry.before), 1)}`;
    return { path, output, prevExist: info !== undefined, oldText: current, newText: entry.before };
  }
}
