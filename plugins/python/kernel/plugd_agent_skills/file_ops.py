"""open_file / goto_line / scroll_* / search_* / find_file / create_file / edit_file_by_replace,
printing what OpenHands' agent_skills print: a 100-line window `N|text` with
"(k more lines above)" style markers and `[Found ...]` / `[End of matches ...]` lists."""
import os

WINDOW = 100
_state = {'file': None, 'line': 1}


def _error(message):
    print(f'ERROR: {message}')
    return False


def _clamp(value, low, high):
    return max(low, min(value, high))


def _lines(path):
    with open(path) as handle:
        content = handle.read()
    if not content.endswith('\n'):
        content += '\n'
    return content.splitlines(True)


def _window(path, target, window, from_target=False):
    lines = _lines(path)
    total = len(lines)
    _state['line'] = _clamp(target, 1, total)
    half = max(1, window // 2)
    if from_target:
        start, end = max(1, _state['line']), min(total, _state['line'] + window)
    else:
        start, end = max(1, _state['line'] - half), min(total, _state['line'] + half)
    if start == 1:
        end = min(total, start + window - 1)
    if end == total:
        start = max(1, end - window + 1)
    out = [f'({start - 1} more lines above)' if start > 1 else '(this is the beginning of the file)']
    out += [f'{i}|{lines[i - 1].rstrip(chr(10))}' for i in range(start, end + 1)]
    out.append(f'({total - end} more lines below)' if end < total else '(this is the end of the file)')
    return '\n'.join(out).rstrip()


def _header(path, total):
    return f'[File: {os.path.abspath(path)} ({total} lines total)]\n'


def _total(path):
    with open(path) as handle:
        return max(1, sum(1 for _ in handle))


def open_file(path, line_number=1, context_lines=WINDOW):
    """Opens a file and shows a window of it around line_number (at most 100 lines)."""
    if not os.path.isfile(path):
        _error(f'File {path} not found.')
        return
    _state['file'] = os.path.abspath(path)
    total = _total(_state['file'])
    if not isinstance(line_number, int) or line_number < 1 or line_number > total:
        _error(f'Line number must be between 1 and {total}')
        return
    if context_lines is None or context_lines < 1:
        context_lines = WINDOW
    output = _header(_state['file'], total) + _window(_state['file'], line_number, _clamp(context_lines, 1, 100))
    if output.strip().endswith('more lines below)'):
        output += '\n[Use `scroll_down` to view the next 100 lines of the file!]'
    print(output)


def _need_file():
    if _state['file'] is None:
        return _error('No file open. Use the open_file function first.')
    return True


def goto_line(line_number):
    """Moves the window of the open file to show line_number."""
    if not _need_file():
        return
    total = _total(_state['file'])
    if not isinstance(line_number, int) or line_number < 1 or line_number > total:
        _error(f'Line number must be between 1 and {total}.')
        return
    print(_header(_state['file'], total) + _window(_state['file'], line_number, WINDOW))


def scroll_down():
    """Moves the window down by 100 lines."""
    if not _need_file():
        return
    total = _total(_state['file'])
    line = _clamp(_state['line'] + WINDOW, 1, total)
    print(_header(_state['file'], total) + _window(_state['file'], line, WINDOW, from_target=True))


def scroll_up():
    """Moves the window up by 100 lines."""
    if not _need_file():
        return
    total = _total(_state['file'])
    line = _clamp(_state['line'] - WINDOW, 1, total)
    print(_header(_state['file'], total) + _window(_state['file'], line, WINDOW, from_target=True))


def create_file(filename):
    """Creates and opens a new (empty) file."""
    if os.path.exists(filename):
        _error(f"File '{filename}' already exists.")
        return
    directory = os.path.dirname(os.path.abspath(filename))
    os.makedirs(directory, exist_ok=True)
    with open(filename, 'w') as handle:
        handle.write('\n')
    open_file(filename)
    print(f'[File {filename} created.]')


def edit_file_by_replace(file_name, to_replace, new_content):
    """Replaces the one occurrence of to_replace in file_name with new_content."""
    if not to_replace or not to_replace.strip():
        _error('`to_replace` must not be empty.')
        return
    if to_replace == new_content:
        _error('`to_replace` and `new_content` must be different.')
        return
    if not os.path.isfile(file_name):
        _error(f'File {file_name} not found.')
        return
    with open(file_name) as handle:
        text = handle.read()
    count = text.count(to_replace)
    if count == 0:
        _error(f'`to_replace` not found in {file_name}.')
        return
    if count > 1:
        _error('`to_replace` appears more than once, please include enough lines to make code in `to_replace` unique.')
        return
    at = text.index(to_replace)
    updated = text[:at] + new_content + text[at + len(to_replace):]
    with open(file_name, 'w') as handle:
        handle.write(updated)
    line = text[:at].count('\n') + 1
    _state['file'] = os.path.abspath(file_name)
    total = _total(file_name)
    print(_header(file_name, total) + _window(file_name, line, WINDOW))
    print(
        f'[File updated (edited at line {line}). Please review the changes and make sure they are correct '
        '(correct indentation, no duplicate lines, etc). Edit the file again if necessary.]'
    )


def search_dir(search_term, dir_path='./'):
    """Lists the lines containing search_term in every (non-hidden) file under dir_path."""
    if not os.path.isdir(dir_path):
        _error(f'Directory {dir_path} not found')
        return
    matches = []
    for root, _, files in os.walk(dir_path):
        for name in files:
            if name.startswith('.'):
                continue
            path = os.path.join(root, name)
            try:
                with open(path, 'r', errors='ignore') as handle:
                    for number, line in enumerate(handle, 1):
                        if search_term in line:
                            matches.append((path, number, line.strip()))
            except OSError:
                continue
    if not matches:
        print(f'No matches found for "{search_term}" in {dir_path}')
        return
    files_matched = len({m[0] for m in matches})
    if files_matched > 100:
        print(f'More than {files_matched} files matched for "{search_term}" in {dir_path}. Please narrow your search.')
        return
    print(f'[Found {len(matches)} matches for "{search_term}" in {dir_path}]')
    for path, number, line in matches:
        print(f'{path} (Line {number}): {line}')
    print(f'[End of matches for "{search_term}" in {dir_path}]')


def search_file(search_term, file_path=None):
    """Lists the lines containing search_term in file_path (default: the open file)."""
    if file_path is None:
        file_path = _state['file']
    if file_path is None:
        _error('No file specified or open. Use the open_file function first.')
        return
    if not os.path.isfile(file_path):
        _error(f'File {file_path} not found.')
        return
    with open(file_path) as handle:
        matches = [(i, line.strip()) for i, line in enumerate(handle, 1) if search_term in line]
    if matches:
        print(f'[Found {len(matches)} matches for "{search_term}" in {file_path}]')
        for number, line in matches:
            print(f'Line {number}: {line}')
        print(f'[End of matches for "{search_term}" in {file_path}]')
    else:
        print(f'[No matches found for "{search_term}" in {file_path}]')


def find_file(file_name, dir_path='./'):
    """Lists the files under dir_path whose name contains file_name."""
    if not os.path.isdir(dir_path):
        _error(f'Directory {dir_path} not found')
        return
    matches = [os.path.join(root, name) for root, _, files in os.walk(dir_path) for name in files if file_name in name]
    if matches:
        print(f'[Found {len(matches)} matches for "{file_name}" in {dir_path}]')
        for match in matches:
            print(match)
        print(f'[End of matches for "{file_name}" in {dir_path}]')
    else:
        print(f'[No matches found for "{file_name}" in {dir_path}]')
