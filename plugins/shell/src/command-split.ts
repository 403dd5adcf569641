/**
 * Splits an action's command text into its top-level commands, the way OpenHands
 * (bashlex) sees them: lines are separate commands unless a quote, `\` continuation,
 * heredoc, open compound (`if`/`for`/`while`/`case`/`{`/`(`) or trailing operator
 * (`&&`, `||`, `|`) joins them. `a; b` and `a && b` stay one command.
 * On text it cannot follow, it returns the whole text as one command (run as is).
 */
const OPENERS: Record<string, string> = { if: 'fi', for: 'done', while: 'done', until: 'done', select: 'done', case: 'esac', '{': '}' };
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);
// After these words the next word is again in command position.
const LEADERS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', 'time']);

export function splitCommands(text: string): string[] {
  if (text.trim() === '') return [''];
  const commands: string[] = [];
  const stack: string[] = [];
  const heredocs: { tag: string; strip: boolean }[] = [];
  let start = 0;
  let i = 0;
  let commandPosition = true;
  let joinNext = false; // a trailing operator carries the command onto the next line
  const n = text.length;

  const readWord = (): string => {
    let j = i;
    while (j < n && !/[\s;&|()<>]/.test(text[j]!)) {
      const c = text[j]!;
      if (c === '\\') j += 2;
      else if (c === "'" || c === '"' || c === '`' || c === '$') break;
      else j++;
    }
    return text.slice(i, j);
  };

  const skipQuoted = (close: string, escapes: boolean): boolean => {
    i++;
    while (i < n) {
      const c = text[i]!;
      if (escapes && c === '\\') i += 2;
      else if (c === close) {
        i++;
        return true;
      } else if (close === '"' && c === '$' && text[i + 1] === '(') {
        if (!skipParens()) return false;
      } else i++;
    }
    return false;
  };

  // $( ... ) and $(( ... )), possibly nested, with quotes inside.
  const skipParens = (): boolean => {
    let depth = 0;
    while (i < n) {
      const c = text[i]!;
      if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) {
          i++;
          return true;
        }
      } else if (c === "'") {
        if (!skipQuoted("'", false)) return false;
        continue;
      } else if (c === '"') {
        if (!skipQuoted('"', true)) return false;
        continue;
      } else if (c === '\\') i++;
      i++;
    }
    return false;
  };

  const skipHeredocBodies = (): boolean => {
    // i is just past a newline: each pending heredoc body runs to its tag line.
    while (heredocs.length > 0) {
      const { tag, strip } = heredocs.shift()!;
      for (;;) {
        if (i >= n) return false;
        const eol = text.indexOf('\n', i);
        const line = text.slice(i, eol < 0 ? n : eol);
        i = eol < 0 ? n : eol + 1;
        if ((strip ? line.replace(/^\t+/, '') : line) === tag) break;
      }
    }
    return true;
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '\\') {
      // a line continuation keeps the command position; an escaped character is a word
      if (text[i + 1] !== '\n') commandPosition = false;
      i += 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      if (!(c === "'" ? skipQuoted("'", false) : skipQuoted(c, true))) return [text];
      commandPosition = false;
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      i++;
      if (!skipParens()) return [text];
      commandPosition = false;
      continue;
    }
    if (c === '$' && text[i + 1] === "'") {
      i++;
      if (!skipQuoted("'", true)) return [text];
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i);
      if (close < 0) return [text];
      i = close + 1;
      continue;
    }
    if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]!))) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      i += 2;
      const strip = text[i] === '-';
      if (strip) i++;
      while (text[i] === ' ' || text[i] === '\t') i++;
      const m = /^(['"]?)([^\s'";&|<>()]+)\1/.exec(text.slice(i));
      if (!m) return [text];
      heredocs.push({ tag: m[2]!, strip });
      i += m[0].length;
      continue;
    }
    if (c === '\n') {
      i++;
      if (heredocs.length > 0 && !skipHeredocBodies()) return [text];
      if (stack.length === 0 && !joinNext) {
        const piece = text.slice(start, i).trim();
        if (piece !== '' && piece.split('\n').every((line) => line.trim().startsWith('#'))) {
          // Comments are no command: OpenHands (bashlex) keeps them with the command before.
          if (commands.length > 0) {
            commands[commands.length - 1] += `\n${piece}`;
            start = i;
          }
        } else if (piece !== '') {
          commands.push(piece);
          start = i;
        }
      }
      commandPosition = true;
      continue;
    }
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === ';' || c === '&' || c === '|') {
      const two = text.slice(i, i + 2);
      joinNext = two === '&&' || two === '||' || (c === '|' && two !== '|&') || two === '|&';
      if (c === ';' && text[i + 1] === ';') {
        joinNext = false;
        i += 2;
      } else i += two === '&&' || two === '||' || two === '|&' ? 2 : 1;
      if (c === ';' || (c === '&' && two !== '&&')) joinNext = false;
      commandPosition = true;
      continue;
    }
    if (c === '(') {
      stack.push(')');
      i++;
      commandPosition = true;
      joinNext = false;
      continue;
    }
    if (c === ')') {
      // a case pattern's `)` closes nothing
      if (stack[stack.length - 1] === ')') stack.pop();
      i++;
      commandPosition = true;
      joinNext = false;
      continue;
    }
    if (c === '<' || c === '>') {
      i++;
      continue;
    }
    const word = readWord();
    if (word === '') {
      i++;
      continue;
    }
    i += word.length;
    joinNext = false;
    if (commandPosition && OPENERS[word]) stack.push(OPENERS[word]!);
    else if (commandPosition && CLOSERS.has(word) && stack[stack.length - 1] === word) stack.pop();
    commandPosition = LEADERS.has(word) || (commandPosition && CLOSERS.has(word));
    if (word === 'in' && stack[stack.length - 1] === 'esac') commandPosition = true;
  }
  const rest = text.slice(start).trim();
  if (rest !== '') commands.push(rest);
  return commands.length > 0 ? commands : [text];
}
