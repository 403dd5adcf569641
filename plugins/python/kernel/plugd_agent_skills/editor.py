"""file_editor(command, path, ...) as oh_aci's: view, create, str_replace, insert,
undo_edit; returns oh_aci's envelope `<oh_aci_output_ID>\\n{json}\\n</oh_aci_output_ID>`
whose `formatted_output_and_error` is the message (errors as "ERROR:\\n...")."""
import json
import os
import uuid

MAX_RESPONSE = 16000
CLIPPED = (
    '<response clipped><NOTE>Due to the max output limit, only part of this file has been shown to you. '
    'You should use `view_range` to view the parts you need, or `grep -n` to find line numbers.</NOTE>'
)
SNIPPET = 4
_history = {}


class ToolError(Exception):
    pass


def _invalid(parameter, value, hint):
    return ToolError(f'Invalid `{parameter}` parameter: {value}. {hint}')


def _missing(parameter, command):
    return ToolError(f'Parameter `{parameter}` is required for command: {command}.')


def _read(path):
    with open(path, 'rb') as handle:
        data = handle.read()
    if b'\0' in data[:8192]:
        raise ToolError(f'File validation failed for {path}: File appears to be binary. Only text files can be edited.')
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        raise ToolError(f'The editor only supports UTF-8 encoding files, please use bash commands for files with other encoding: {path}') from None


def _write(path, text):
    try:
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
    except OSError as error:
        raise ToolError(f'Ran into {error} while trying to write to {path}') from None


def _cat_n(text, what, first=1):
    if len(text) > MAX_RESPONSE:
        text = text[:MAX_RESPONSE] + CLIPPED
    numbered = '\n'.join(f'{i + first:6}\t{line}' for i, line in enumerate(text.split('\n')))
    return f"Here's the result of running `cat -n` on {what}:\n{numbered}\n"


def _validate(command, path):
    if not os.path.isabs(path):
        raise _invalid('path', path, 'The path should be an absolute path, starting with `/`.')
    if command == 'create' and os.path.exists(path):
        raise _invalid('path', path, f'File already exists at: {path}. Cannot overwrite files using command `create`.')
    if command != 'create' and not os.path.exists(path):
        raise _invalid('path', path, f'The path {path} does not exist. Please provide a valid path.')
    if command != 'view' and os.path.isdir(path):
        raise _invalid('path', path, f'The path {path} is a directory and only the `view` command can be used on directories.')


def _view(path, view_range):
    if os.path.isdir(path):
        if view_range:
            raise _invalid('view_range', view_range, 'The `view_range` parameter is not allowed when `path` points to a directory.')
        entries, hidden = [path.rstrip('/') + '/'], 0
        for name in sorted(os.listdir(path)):
            if name.startswith('.'):
                hidden += 1
                continue
            full = os.path.join(path, name)
            entries.append(full + '/' if os.path.isdir(full) else full)
            if os.path.isdir(full):
                for sub in sorted(os.listdir(full)):
                    if not sub.startswith('.'):
                        inner = os.path.join(full, sub)
                        entries.append(inner + '/' if os.path.isdir(inner) else inner)
        out = f"Here's the files and directories up to 2 levels deep in {path}, excluding hidden items:\n" + '\n'.join(entries)
        if hidden:
            out += f"\n\n{hidden} hidden files/directories in this directory are excluded. You can use 'ls -la {path}' to see them."
        return {'output': out}
    text = _read(path)
    if not view_range:
        return {'output': _cat_n(text, path)}
    lines = text.split('\n')
    if text.endswith('\n'):
        lines.pop()
    count = len(lines)
    if len(view_range) != 2 or not all(isinstance(i, int) for i in view_range):
        raise _invalid('view_range', view_range, 'It should be a list of two integers.')
    start, end = view_range
    if start < 1 or start > count:
        raise _invalid('view_range', view_range, f'Its first element `{start}` should be within the range of lines of the file: {[1, count]}.')
    if end > count:
        raise _invalid('view_range', view_range, f'Its second element `{end}` should be smaller than the number of lines in the file: `{count}`.')
    if end != -1 and end < start:
        raise _invalid('view_range', view_range, f'Its second element `{end}` should be greater than or equal to the first element `{start}`.')
    chosen = lines[start - 1:] if end == -1 else lines[start - 1:end]
    return {'output': _cat_n('\n'.join(chosen), path, start)}


def _snippet(path, text, first_line, extra_lines, label):
    lines = text.split('\n')
    start = max(1, first_line - SNIPPET)
    end = min(len(lines), first_line + SNIPPET + extra_lines)
    return _cat_n('\n'.join(lines[start - 1:end]), label, start)


def _str_replace(path, old_str, new_str):
    text = _read(path)
    new_str = new_str or ''
    positions, at = [], 0
    while True:
        found = text.find(old_str, at)
        if found < 0:
            break
        positions.append(found)
        at = found + max(len(old_str), 1)
        if found >= len(text):
            break
    if not positions:
        raise ToolError(f'No replacement was performed, old_str `{old_str}` did not appear verbatim in {path}.')
    if len(positions) > 1:
        lines = sorted({text.count('\n', 0, p) + 1 for p in positions})
        raise ToolError(f'No replacement was performed. Multiple occurrences of old_str `{old_str}` in lines {lines}. Please ensure it is unique.')
    at = positions[0]
    updated = text[:at] + new_str + text[at + len(old_str):]
    _write(path, updated)
    _history.setdefault(path, []).append(text)
    line = text.count('\n', 0, at) + 1
    out = f'The file {path} has been edited. ' + _snippet(path, updated, line, new_str.count('\n'), f'a snippet of {path}')
    out += 'Review the changes and make sure they are as expected. Edit the file again if necessary.'
    return {'output': out, 'prev_exist': True, 'old_content': text, 'new_content': updated}


def _insert(path, insert_line, new_str):
    text = _read(path)
    lines = text.split('\n')
    trailing = text.endswith('\n')
    body = lines[:-1] if trailing else ([] if text == '' else lines)
    count = len(body)
    if insert_line < 0 or insert_line > count:
        raise _invalid('insert_line', insert_line, f'It should be within the range of allowed values: {[0, count]}')
    inserted = new_str.split('\n')
    result = body[:insert_line] + inserted + body[insert_line:]
    updated = '\n'.join(result) + ('\n' if trailing or not body else '')
    _write(path, updated)
    _history.setdefault(path, []).append(text)
    out = f'The file {path} has been edited. ' + _snippet(path, updated, insert_line + 1, len(inserted) - 1, 'a snippet of the edited file')
    out += 'Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.'
    return {'output': out, 'prev_exist': True, 'old_content': text, 'new_content': updated}


def _run(command, path, file_text, view_range, old_str, new_str, insert_line):
    _validate(command, path)
    if command == 'view':
        return _view(path, view_range)
    if command == 'create':
        if file_text is None:
            raise _missing('file_text', command)
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        _write(path, file_text)
        _history.setdefault(path, []).append(file_text)
        return {'output': f'File created successfully at: {path}', 'prev_exist': False, 'new_content': file_text}
    if command == 'str_replace':
        if old_str is None:
            raise _missing('old_str', command)
        if new_str == old_str:
            raise _invalid('new_str', new_str, 'No replacement was performed. `new_str` and `old_str` must be different.')
        return _str_replace(path, old_str, new_str)
    if command == 'insert':
        if insert_line is None:
            raise _missing('insert_line', command)
        if new_str is None:
            raise _missing('new_str', command)
        return _insert(path, int(insert_line), new_str)
    if command == 'undo_edit':
        current = _read(path)
        stack = _history.get(path)
        if not stack:
            raise ToolError(f'No edit history found for {path}.')
        previous = stack.pop()
        _write(path, previous)
        return {'output': f'Last edit to {path} undone successfully. ' + _cat_n(previous, path), 'prev_exist': True, 'old_content': current, 'new_content': previous}
    raise ToolError(f'Unrecognized command {command}. The allowed commands for the oh_editor tool are: view, create, str_replace, insert, undo_edit')


def file_editor(command, path, file_text=None, view_range=None, old_str=None, new_str=None, insert_line=None, enable_linting=False):
    """oh_aci's file editor: view, create, str_replace, insert, undo_edit on an absolute path."""
    try:
        result = _run(command, path, file_text, view_range, old_str, new_str, insert_line)
        result.setdefault('error', None)
    except ToolError as error:
        result = {'output': None, 'error': str(error)}
    except OSError as error:
        result = {'output': None, 'error': f'Ran into {error} while trying to access {path}'}
    result.setdefault('path', path)
    formatted = f"ERROR:\n{result['error']}" if result['error'] else result['output']
    marker = uuid.uuid4().hex
    body = dict(result, formatted_output_and_error=formatted)
    return f'<oh_aci_output_{marker}>\n{json.dumps(body)}\n</oh_aci_output_{marker}>'
