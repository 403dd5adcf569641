import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginClient } from '../../../test/helpers/plugin-client.js';
import type { ObservationLike } from '../../../test/helpers/plugin-client.js';

const EDIT_EXTRAS = ['diff', 'impl_source', 'new_content', 'old_content', 'path', 'prev_exist'];

function expectError(obs: ObservationLike, id: string, ...fragments: string[]): void {
  expect(obs.observation).toBe('error');
  expect(obs.extras).toEqual({ error_id: id });
  for (const fragment of fragments) expect(obs.content).toContain(fragment);
}

/** oh_aci's errors are `edit` observations whose content starts "ERROR:\n" (OpenHands' server). */
function expectEditError(obs: ObservationLike, ...fragments: string[]): void {
  expect(obs.observation).toBe('edit');
  expect(Object.keys(obs.extras).sort()).toEqual(EDIT_EXTRAS);
  expect(obs.content.startsWith('ERROR:\n')).toBe(true);
  for (const fragment of fragments) expect(obs.content).toContain(fragment);
}

function expectEdit(obs: ObservationLike): void {
  expect(obs.observation).toBe('edit');
  expect(Object.keys(obs.extras).sort()).toEqual(EDIT_EXTRAS);
  expect(obs.extras['impl_source']).toBe('oh_aci');
}

describe('files plugin', () => {
  let client: PluginClient;
  let dir: string;
  const edit = (args: Record<string, unknown>) => client.run({ action: 'edit', args: { impl_source: 'oh_aci', ...args } });
  const p = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'plugd-files-')));
    client = await PluginClient.start('files', { config: { cwd: dir } });
  });

  afterAll(async () => {
    await client?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('read and write', () => {
    test('write creates parent folders and read returns the text', async () => {
      // OpenHands ends every line of `content` with a newline: "three" -> "three\n".
      const w = await client.run({ action: 'write', args: { path: p('a/b/c.txt'), content: 'one\ntwo\nthree' } });
      expect(w).toEqual({ observation: 'write', content: '', extras: { path: p('a/b/c.txt') } });
      expect(await readFile(p('a/b/c.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
      const r = await client.run({ action: 'read', args: { path: p('a/b/c.txt') } });
      expect(r.observation).toBe('read');
      expect(r.content).toBe('one\ntwo\nthree\n');
      expect(Object.keys(r.extras).sort()).toEqual(['impl_source', 'path']);
      expect(r.extras['path']).toBe(p('a/b/c.txt'));
    });

    test('read start/end select lines [start, end) like OpenHands', async () => {
      const r = await client.run({ action: 'read', args: { path: p('a/b/c.txt'), start: 1, end: 2 } });
      expect(r.content).toBe('two\n');
      const tail = await client.run({ action: 'read', args: { path: p('a/b/c.txt'), start: 1 } });
      expect(tail.content).toBe('two\nthree\n');
    });

    test('relative paths are resolved against the working folder', async () => {
      const r = await client.run({ action: 'read', args: { path: 'a/b/c.txt' } });
      expect(r.content).toBe('one\ntwo\nthree\n');
      expect(r.extras['path']).toBe(p('a/b/c.txt'));
    });

    test('write with a line range replaces those lines only', async () => {
      await client.run({ action: 'write', args: { path: p('range.txt'), content: 'a\nb\nc\nd' } });
      await client.run({ action: 'write', args: { path: p('range.txt'), content: 'B\nC', start: 1, end: 3 } });
      expect(await readFile(p('range.txt'), 'utf8')).toBe('a\nB\nC\nd\n');
    });

    test('read with impl_source oh_aci gives the editor view and echoes oh_aci', async () => {
      const r = await client.run({ action: 'read', args: { path: p('a/b/c.txt'), impl_source: 'oh_aci', view_range: [2, 3] } });
      expect(r.observation).toBe('read');
      expect(r.extras).toEqual({ path: p('a/b/c.txt'), impl_source: 'oh_aci' });
      expect(r.content).toBe(`Here's the result of running \`cat -n\` on ${p('a/b/c.txt')}:\n     2\ttwo\n     3\tthree\n`);
    });

    test('read errors: missing file, folder, binary, permission denied', async () => {
      expectError(await client.run({ action: 'read', args: { path: p('nope.txt') } }), 'PLUGIN_ERROR', 'File not found', p('nope.txt'));
      expectError(await client.run({ action: 'read', args: { path: p('a') } }), 'INVALID_ACTION', 'Path is a directory', 'only read files');
      await writeFile(p('bin.dat'), Buffer.from([0x7f, 0x45, 0x00, 0x01, 0x02]));
      expectError(await client.run({ action: 'read', args: { path: p('bin.dat') } }), 'PLUGIN_ERROR', 'appears to be binary');
      let locked = '/proc/1/mem';
      if (process.getuid?.() !== 0) {
        locked = p('locked.txt');
        await writeFile(locked, 'secret');
        await chmod(locked, 0o000);
      }
      expectError(await client.run({ action: 'read', args: { path: locked } }), 'PLUGIN_ERROR', 'Permission denied');
    });

    test('an image is read as a data URL', async () => {
      await writeFile(p('pic.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]));
      const r = await client.run({ action: 'read', args: { path: p('pic.png') } });
      expect(r.content).toBe(`data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]).toString('base64')}`);
    });

    test('write onto a folder is an error', async () => {
      expectError(await client.run({ action: 'write', args: { path: p('a'), content: 'x' } }), 'PLUGIN_ERROR', 'directory');
    });
  });

  describe('editor', () => {
    test('create makes a file (and its folders), refuses an existing one', async () => {
      const obs = await edit({ command: 'create', path: p('ed/new.py'), file_text: 'print(1)\nprint(2)\n' });
      expectEdit(obs);
      expect(obs.content).toBe(`File created successfully at: ${p('ed/new.py')}`);
      expect(obs.extras['prev_exist']).toBe(false);
      expect(obs.extras['old_content']).toBeNull();
      expect(obs.extras['diff']).toContain('+print(1)');
      expect(await readFile(p('ed/new.py'), 'utf8')).toBe('print(1)\nprint(2)\n');
      expectEditError(await edit({ command: 'create', path: p('ed/new.py'), file_text: 'x' }), 'File already exists at', 'Cannot overwrite');
      expect(await readFile(p('ed/new.py'), 'utf8')).toBe('print(1)\nprint(2)\n');
    });

    test('view of a file is cat -n style, with an optional view_range', async () => {
      const all = await edit({ command: 'view', path: p('ed/new.py') });
      expectEdit(all);
      // oh_aci numbers text.split('\n'): the final newline shows as an empty line 3.
      expect(all.content).toBe(`Here's the result of running \`cat -n\` on ${p('ed/new.py')}:\n     1\tprint(1)\n     2\tprint(2)\n     3\t\n`);
      expect(all.extras['diff']).toBe('');
      expect(all.extras['prev_exist']).toBe(true);
      const one = await edit({ command: 'view', path: p('ed/new.py'), view_range: [2, -1] });
      expect(one.content).toBe(`Here's the result of running \`cat -n\` on ${p('ed/new.py')}:\n     2\tprint(2)\n`);
    });

    test('view_range errors', async () => {
      expectEditError(await edit({ command: 'view', path: p('ed/new.py'), view_range: [0, 1] }), 'first element `0`', '[1, 2]');
      expectEditError(await edit({ command: 'view', path: p('ed/new.py'), view_range: [2, 1] }), 'greater than or equal');
      expectEditError(await edit({ command: 'view', path: p('ed/new.py'), view_range: [1, 9] }), 'number of lines in the file: `2`');
      expectEditError(await edit({ command: 'view', path: p('ed/new.py'), view_range: [1] }), 'list of two integers');
    });

    test('view of a folder lists 2 levels without hidden files', async () => {
      await mkdir(p('tree/l1/l2/l3'), { recursive: true });
      await writeFile(p('tree/top.txt'), 'x');
      await writeFile(p('tree/l1/l2/deep.txt'), 'x');
      await writeFile(p('tree/.hidden'), 'x');
      await mkdir(p('tree/.git'), { recursive: true });
      const obs = await edit({ command: 'view', path: p('tree') });
      expectEdit(obs);
      expect(obs.content).toContain(`up to 2 levels deep in ${p('tree')}, excluding hidden items`);
      expect(obs.content).toContain(`${p('tree/top.txt')}\n`);
      expect(obs.content).toContain(`${p('tree/l1/l2')}/`);
      expect(obs.content).not.toContain('deep.txt');
      expect(obs.content).not.toContain('l3');
      expect(obs.content).not.toContain('.hidden');
      expect(obs.content).not.toContain('.git');
      expect(obs.content).toContain('2 hidden files/directories');
      expectEditError(await edit({ command: 'view', path: p('tree'), view_range: [1, 2] }), 'not allowed when `path` points to a directory');
    });

    test('str_replace replaces a unique match and shows a snippet', async () => {
      const obs = await edit({ command: 'str_replace', path: p('ed/new.py'), old_str: 'print(2)', new_str: 'print("two")' });
      expectEdit(obs);
      expect(obs.content).toContain(`The file ${p('ed/new.py')} has been edited.`);
      expect(obs.content).toContain('     2\tprint("two")');
      expect(obs.extras['old_content']).toBe('print(2)');
      expect(obs.extras['new_content']).toBe('print("two")');
      expect(obs.extras['prev_exist']).toBe(true);
      expect(obs.extras['diff']).toContain('-print(2)');
      expect(obs.extras['diff']).toContain('+print("two")');
      expect(await readFile(p('ed/new.py'), 'utf8')).toBe('print(1)\nprint("two")\n');
    });

    test('str_replace fails clearly when old_str is missing or not unique', async () => {
      await writeFile(p('ed/dup.txt'), 'x = 1\ny = 2\nx = 1\n');
      expectEditError(await edit({ command: 'str_replace', path: p('ed/dup.txt'), old_str: 'x = 1', new_str: 'x = 3' }), 'Multiple occurrences', 'lines [1, 3]');
      expectEditError(await edit({ command: 'str_replace', path: p('ed/dup.txt'), old_str: 'z = 9', new_str: 'q' }), 'did not appear verbatim');
      expectEditError(await edit({ command: 'str_replace', path: p('ed/dup.txt'), old_str: 'y = 2', new_str: 'y = 2' }), 'must be different');
      expectEditError(await edit({ command: 'str_replace', path: p('ed/dup.txt'), new_str: 'y' }), 'Parameter `old_str` is required');
      expect(await readFile(p('ed/dup.txt'), 'utf8')).toBe('x = 1\ny = 2\nx = 1\n');
    });

    test('insert adds text after insert_line (0 = top)', async () => {
      await writeFile(p('ed/ins.txt'), 'a\nb\n');
      expectEdit(await edit({ command: 'insert', path: p('ed/ins.txt'), insert_line: 1, new_str: 'between' }));
      expect(await readFile(p('ed/ins.txt'), 'utf8')).toBe('a\nbetween\nb\n');
      const top = await edit({ command: 'insert', path: p('ed/ins.txt'), insert_line: 0, new_str: 'first' });
      expect(top.content).toContain('     1\tfirst');
      expect(await readFile(p('ed/ins.txt'), 'utf8')).toBe('first\na\nbetween\nb\n');
      await edit({ command: 'insert', path: p('ed/ins.txt'), insert_line: 4, new_str: 'last' });
      expect(await readFile(p('ed/ins.txt'), 'utf8')).toBe('first\na\nbetween\nb\nlast\n');
      expectEditError(await edit({ command: 'insert', path: p('ed/ins.txt'), insert_line: 9, new_str: 'x' }), '[0, 5]');
      expectEditError(await edit({ command: 'insert', path: p('ed/ins.txt'), new_str: 'x' }), 'insert_line');
    });

    test('undo_edit reverts the last edits of a file, one at a time', async () => {
      await edit({ command: 'create', path: p('ed/undo.txt'), file_text: 'v1\n' });
      await edit({ command: 'str_replace', path: p('ed/undo.txt'), old_str: 'v1', new_str: 'v2' });
      await edit({ command: 'insert', path: p('ed/undo.txt'), insert_line: 1, new_str: 'v3' });
      expect(await readFile(p('ed/undo.txt'), 'utf8')).toBe('v2\nv3\n');
      const u1 = await edit({ command: 'undo_edit', path: p('ed/undo.txt') });
      expectEdit(u1);
      expect(u1.content).toContain(`Last edit to ${p('ed/undo.txt')} undone successfully.`);
      expect(await readFile(p('ed/undo.txt'), 'utf8')).toBe('v2\n');
      await edit({ command: 'undo_edit', path: p('ed/undo.txt') });
      expect(await readFile(p('ed/undo.txt'), 'utf8')).toBe('v1\n');
      await edit({ command: 'undo_edit', path: p('ed/undo.txt') });
      await expect(stat(p('ed/undo.txt'))).rejects.toThrow();
      expectEditError(await edit({ command: 'undo_edit', path: p('ed/undo.txt') }), 'No edit history found');
    });

    test('write command creates or overwrites, and can be undone', async () => {
      const w = await edit({ command: 'write', path: p('ed/w.txt'), file_text: 'first' });
      expectEdit(w);
      expect(w.extras['prev_exist']).toBe(false);
      const w2 = await edit({ command: 'write', path: p('ed/w.txt'), file_text: 'second' });
      expect(w2.extras['prev_exist']).toBe(true);
      expect(await readFile(p('ed/w.txt'), 'utf8')).toBe('second');
      await edit({ command: 'undo_edit', path: p('ed/w.txt') });
      expect(await readFile(p('ed/w.txt'), 'utf8')).toBe('first');
    });

    test('editor errors: relative path, missing file, folder, binary, unknown command', async () => {
      expectEditError(await edit({ command: 'view', path: 'ed/new.py' }), 'Invalid `path` parameter: ed/new.py. The path should be an absolute path, starting with `/`.', ` Maybe you meant ${p('ed/new.py')}`);
      expectEditError(await edit({ command: 'view', path: p('missing.txt') }), 'does not exist');
      expectEditError(await edit({ command: 'str_replace', path: p('missing.txt'), old_str: 'a', new_str: 'b' }), 'does not exist');
      expectEditError(await edit({ command: 'str_replace', path: p('tree'), old_str: 'a', new_str: 'b' }), 'is a directory and only the `view` command');
      expectEditError(await edit({ command: 'view', path: p('bin.dat') }), 'appears to be binary');
      expectEditError(await edit({ command: 'str_replace', path: p('bin.dat'), old_str: 'E', new_str: 'F' }), 'appears to be binary');
      expectEditError(await edit({ command: 'rename', path: p('ed/new.py') }), 'Unrecognized command rename');
      expectEditError(await edit({ command: 'create', path: p('ed/x.txt') }), 'Parameter `file_text` is required');
    });

    test('concurrent edits of one file serialize (none is lost)', async () => {
      const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
      await writeFile(p('ed/race.txt'), lines.join('\n') + '\n');
      const results = await Promise.all(
        lines.map((line, i) => edit({ command: 'str_replace', path: p('ed/race.txt'), old_str: `${line}\n`, new_str: `edited ${i}\n` })),
      );
      for (const r of results) expect(r.observation).toBe('edit');
      const text = await readFile(p('ed/race.txt'), 'utf8');
      expect(text).toBe(lines.map((_, i) => `edited ${i}`).join('\n') + '\n');
    });

    test('a long file view is clipped with a note', async () => {
      await writeFile(p('ed/long.txt'), Array.from({ length: 5000 }, (_, i) => `row ${i}`).join('\n'));
      const obs = await edit({ command: 'view', path: p('ed/long.txt') });
      expect(obs.content.length).toBeLessThan(17_000);
      expect(obs.content).toContain('<response clipped>');
    });
  });
});
