/**
 * OpenHands' tests/runtime/test_aci_edit.py, ported black-box over plugd's HTTP API:
 * FileWriteAction / FileEditAction (oh_aci) with the same inputs and assertions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { stopAllPlugd } from '../helpers/plugd-process.js';
import { loadRuntime } from './runtime.js';
import type { Obs, Runtime } from './runtime.js';

let rt: Runtime;
let file: string;

const write = (path: string, content: string) => rt.act({ action: 'write', args: { path, content } });
const editAction = (args: Record<string, unknown>): Promise<Obs> => rt.act({ action: 'edit', args: { impl_source: 'oh_aci', ...args } });

beforeAll(async () => {
  rt = await loadRuntime();
});

afterAll(async () => {
  await rt?.close();
  await stopAllPlugd();
});

beforeEach(async () => {
  await rt.run(`cd ${rt.workspace} && rm -rf ./* ./.[!.]* 2>/dev/null; true`, { blocking: true, timeout: 60 });
  file = `${rt.workspace}/test.txt`;
});

describe('test_aci_edit.py', () => {
  test('test_aci_edit.py::test_view_file', async () => {
    await write(file, 'This is a test file.\nThis file is for testing purposes.');
    const obs = await editAction({ command: 'view', path: file });
    expect(obs.observation).toBe('edit');
    expect(obs.content).toContain(`Here's the result of running \`cat -n\` on ${file}:`);
    expect(obs.content).toContain('1\tThis is a test file.');
    expect(obs.content).toContain('2\tThis file is for testing purposes.');
  });

  test('test_aci_edit.py::test_view_directory (without the hidden .downloads of the Docker image)', async () => {
    await write(file, 'This is a test file.\nThis file is for testing purposes.');
    const obs = await editAction({ command: 'view', path: rt.workspace });
    expect(obs.content).toBe(`Here's the files and directories up to 2 levels deep in ${rt.workspace}, excluding hidden items:\n${rt.workspace}/\n${rt.workspace}/test.txt`);
  });

  test('test_aci_edit.py::test_create_file', async () => {
    const path = `${rt.workspace}/new_file.txt`;
    expect((await editAction({ command: 'create', path, file_text: 'New file content' })).content).toContain('File created successfully');
    expect((await editAction({ command: 'view', path })).content).toContain('New file content');
  });

  test('test_aci_edit.py::test_create_file_with_empty_content', async () => {
    const path = `${rt.workspace}/new_file.txt`;
    expect((await editAction({ command: 'create', path, file_text: '' })).content).toContain('File created successfully');
    expect((await editAction({ command: 'view', path })).content).toContain('1\t');
  });

  test('test_aci_edit.py::test_create_with_none_file_text', async () => {
    const obs = await editAction({ command: 'create', path: `${rt.workspace}/none_content.txt`, file_text: null });
    expect(obs.content).toBe('ERROR:\nParameter `file_text` is required for command: create.');
  });

  test('test_aci_edit.py::test_str_replace', async () => {
    await write(file, 'This is a test file.\nThis file is for testing purposes.');
    expect((await editAction({ command: 'str_replace', path: file, old_str: 'test file', new_str: 'sample file' })).content).toContain(`The file ${file} has been edited`);
    expect((await editAction({ command: 'view', path: file })).content).toContain('This is a sample file.');
  });

  test('test_aci_edit.py::test_str_replace_multi_line', async () => {
    await write(file, 'This is a test file.\nThis file is for testing purposes.');
    const obs = await editAction({
      command: 'str_replace',
      path: file,
      old_str: 'This is a test file.\nThis file is for testing purposes.',
      new_str: 'This is a sample file.\nThis file is for testing purposes.',
    });
    expect(obs.content).toContain(`The file ${file} has been edited.`);
    expect(obs.content).toContain('This is a sample file.');
    expect(obs.content).toContain('This file is for testing purposes.');
  });

  test('test_aci_edit.py::test_str_replace_multi_line_with_tabs', async () => {
    await editAction({ command: 'create', path: file, file_text: 'def test():\n\tprint("Hello, World!")' });
    const obs = await editAction({ command: 'str_replace', path: file, old_str: 'def test():\n\tprint("Hello, World!")', new_str: 'def test():\n\tprint("Hello, Universe!")' });
    expect(obs.content).toBe(
      `The file ${file} has been edited. Here's the result of running \`cat -n\` on a snippet of ${file}:\n     1\tdef test():\n     2\t\tprint("Hello, Universe!")\nReview the changes and make sure they are as expected. Edit the file again if necessary.`,
    );
  });

  test('test_aci_edit.py::test_str_replace_error_multiple_occurrences', async () => {
    await write(file, 'This is a test file.\nThis file is for testing purposes.');
    const obs = await editAction({ command: 'str_replace', path: file, old_str: 'test', new_str: 'sample' });
    expect(obs.content).toContain('Multiple occurrences of old_str `test`');
    expect(obs.content).toContain('[1, 2]');
  });

  test('test_aci_edit.py::test_str_replace_error_multiple_multiline_occurrences', async () => {
    const block = 'def example():\n        print("Hello")\n        return True';
    await write(file, `${block}\n\nprint('separator')\n\n${block}`);
    const obs = await editAction({ command: 'str_replace', path: file, old_str: block, new_str: 'def new():\n    print("World")' });
    expect(obs.content).toContain('Multiple occurrences of old_str');
    expect(obs.content).toContain('[1, 7]');
  });

  test('test_aci_edit.py::test_str_replace_nonexistent_string', async () => {
    await write(file, 'Line 1\nLine 2');
    const obs = await editAction({ command: 'str_replace', path: file, old_str: 'Non-existent Line', new_str: 'New Line' });
    expect(obs.content).toContain('No replacement was performed');
    expect(obs.content).toContain(`old_str \`Non-existent Line\` did not appear verbatim in ${file}`);
  });

  test('test_aci_edit.py::test_str_replace_with_empty_new_str', async () => {
    await write(file, 'Line 1\nLine to remove\nLine 3');
    const obs = await editAction({ command: 'str_replace', path: file, old_str: 'Line to remove\n', new_str: '' });
    expect(obs.content).not.toContain('Line to remove');
    expect(obs.content).toContain('Line 1');
    expect(obs.content).toContain('Line 3');
  });

  test('test_aci_edit.py::test_str_replace_with_empty_old_str', async () => {
    await write(file, 'Line 1\nLine 2\nLine 3');
    const obs = await editAction({ command: 'str_replace', path: file, old_str: '', new_str: 'New string' });
    expect(obs.content).toContain('No replacement was performed. Multiple occurrences of old_str `` in lines [1, 2, 3, 4]. Please ensure it is unique.');
  });

  test('test_aci_edit.py::test_str_replace_with_none_old_str', async () => {
    await write(file, 'Line 1\nLine 2\nLine 3');
    expect((await editAction({ command: 'str_replace', path: file, old_str: null, new_str: 'new content' })).content).toContain('old_str');
  });

  test('test_aci_edit.py::test_insert', async () => {
    await write(file, 'Line 1\nLine 2');
    expect((await editAction({ command: 'insert', path: file, insert_line: 1, new_str: 'Inserted line' })).content).toContain(`The file ${file} has been edited`);
    const obs = await editAction({ command: 'view', path: file });
    for (const text of ['Line 1', 'Inserted line', 'Line 2']) expect(obs.content).toContain(text);
  });

  test('test_aci_edit.py::test_insert_invalid_line', async () => {
    await write(file, 'Line 1\nLine 2');
    const obs = await editAction({ command: 'insert', path: file, insert_line: 10, new_str: 'Invalid Insert' });
    expect(obs.content).toContain('Invalid `insert_line` parameter');
    expect(obs.content).toContain('It should be within the range of allowed values');
  });

  test('test_aci_edit.py::test_insert_with_empty_string', async () => {
    await write(file, 'Line 1\nLine 2');
    const obs = await editAction({ command: 'insert', path: file, insert_line: 1, new_str: '' });
    expect(obs.content).toContain('1\tLine 1');
    expect(obs.content).toContain('2\t\n');
    expect(obs.content).toContain('3\tLine 2');
  });

  test('test_aci_edit.py::test_insert_with_none_new_str', async () => {
    await write(file, 'Line 1\nLine 2');
    const obs = await editAction({ command: 'insert', path: file, insert_line: 1, new_str: null });
    expect(obs.content).toContain('ERROR');
    expect(obs.content).toContain('Parameter `new_str` is required for command: insert');
  });

  test('test_aci_edit.py::test_undo_edit', async () => {
    await write(file, 'This is a test file.');
    expect((await editAction({ command: 'str_replace', path: file, old_str: 'test', new_str: 'sample' })).content).toContain('This is a sample file.');
    const undo = await editAction({ command: 'undo_edit', path: file });
    expect(undo.content).toContain('Last edit to');
    expect(undo.content).toContain('This is a test file.');
    expect((await editAction({ command: 'view', path: file })).content).toContain('This is a test file.');
  });

  test('test_aci_edit.py::test_validate_path_invalid', async () => {
    const missing = `${rt.workspace}/nonexistent.txt`;
    const obs = await editAction({ command: 'view', path: missing });
    expect(obs.content).toContain('Invalid `path` parameter');
    expect(obs.content).toContain(`The path ${missing} does not exist`);
  });

  test('test_aci_edit.py::test_create_existing_file_error', async () => {
    await write(file, 'Line 1\nLine 2');
    expect((await editAction({ command: 'create', path: file, file_text: 'New content' })).content).toContain('File already exists');
  });

  test('test_aci_edit.py::test_str_replace_missing_old_str', async () => {
    await write(file, 'Line 1\nLine 2');
    expect((await editAction({ command: 'str_replace', path: file, old_str: '', new_str: 'sample' })).content).toContain('No replacement was performed. Multiple occurrences of old_str ``');
  });

  test('test_aci_edit.py::test_str_replace_new_str_and_old_str_same', async () => {
    await write(file, 'Line 1\nLine 2');
    const obs = await editAction({ command: 'str_replace', path: file, old_str: 'test file', new_str: 'test file' });
    expect(obs.content).toContain('No replacement was performed. `new_str` and `old_str` must be different.');
  });

  test('test_aci_edit.py::test_insert_missing_line_param', async () => {
    await write(file, 'Line 1\nLine 2');
    expect((await editAction({ command: 'insert', path: file, new_str: 'Missing insert line' })).content).toContain('Parameter `insert_line` is required for command: insert');
  });

  test('test_aci_edit.py::test_undo_edit_no_history_error', async () => {
    const empty = `${rt.workspace}/empty.txt`;
    await write(empty, '');
    expect((await editAction({ command: 'undo_edit', path: empty })).content).toContain('No edit history found for');
  });

  test('test_aci_edit.py::test_view_large_file_with_truncation', async () => {
    const large = `${rt.workspace}/large_test.txt`;
    await write(large, 'Line 1\n'.repeat(16000));
    expect((await editAction({ command: 'view', path: large })).content).toContain('Due to the max output limit, only part of this file has been shown to you.');
  });

  test('test_aci_edit.py::test_insert_line_string_conversion (through the wire: "2" is line 2)', async () => {
    await write(file, 'a\nb\nc');
    const obs = await editAction({ command: 'insert', path: file, insert_line: '2', new_str: 'X' });
    expect(obs.content).toContain(`The file ${file} has been edited`);
    expect((await rt.run(`cat ${file}`)).content).toBe('a\nb\nX\nc');
    expect((await editAction({ command: 'insert', path: file, insert_line: 'two', new_str: 'X' })).content).toBe("ERROR:\nInvalid insert_line value: 'two'. Expected an integer.");
  });
});
