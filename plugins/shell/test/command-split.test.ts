import { describe, expect, test } from '@jest/globals';
import { splitCommands } from '../src/command-split.js';
import { terminalText } from '../src/terminal-text.js';

describe('splitCommands (what OpenHands refuses as several commands)', () => {
  test.each([
    ['ls -l', 1],
    ['echo a; echo b', 1],
    ['echo a && \\\n echo b', 1],
    ['echo -e "hello\nworld"', 1],
    ["echo 'a\n\nb'", 1],
    ['cat << EOF\nline 1\nls\nEOF', 1],
    ['cat <<-"EOF"\n\tx\n\tEOF\necho after', 2],
    ['for i in 1 2; do\n  echo $i\ndone', 1],
    ['if true; then\n echo y\nelse\n echo n\nfi', 1],
    ['case x in\n a) echo a;;\n *) echo b;;\nesac', 1],
    ['f() {\n  echo in\n}', 1],
    ['echo $(echo "a\nb")', 1],
    ['ls |\n wc -l', 1],
    ['mkdir -p m && \\\nfor d in 1 2; do\n  touch "m/$d"\ndone && echo ok', 1],
    ['ls\npwd', 2],
    ['echo a\n\n# comment\necho b', 2],
    ['(cd /tmp\nls)', 1],
  ])('%j is %i command(s)', (text, count) => {
    expect(splitCommands(text)).toHaveLength(count);
  });

  test('lists the commands as OpenHands numbers them', () => {
    expect(splitCommands('ls -l\necho "x"\n')).toEqual(['ls -l', 'echo "x"']);
  });

  test('an unterminated quote runs as one command (bash reports it)', () => {
    expect(splitCommands('echo "open\nls')).toEqual(['echo "open\nls']);
  });
});

describe('terminalText (what a terminal shows)', () => {
  test('CRLF, colours and cursor codes go; a carriage return overwrites the line', () => {
    expect(terminalText('\x1b[01;34mdir\x1b[0m\r\nfile\r\n')).toBe('dir\nfile\n');
    expect(terminalText('10%\r50%\r100%\r\n')).toBe('100%\n');
    expect(terminalText('abcdef\rXY\n')).toBe('XYcdef\n');
    expect(terminalText('ab\bc')).toBe('ac');
  });
});
