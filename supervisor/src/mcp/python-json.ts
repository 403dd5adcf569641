const NON_ASCII = /[\u007f-\uffff]/g;
const HAS_NON_ASCII = /[\u007f-\uffff]/;
const COMMA = 44;
const COLON = 58;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * JSON text as Python's `json.dumps(value)` writes it (", " and ": " separators, non-ASCII
 * escaped as \uXXXX), so MCPObservation content is byte-for-byte what OpenHands' runtime
 * sends. Parsing it gives the same value as JSON.stringify's text would.
 * One JSON.stringify and one scan (it runs on every call_tool_mcp): outside strings a
 * comma or colon is a separator, and non-ASCII characters can only be inside strings;
 * the scan jumps over each string to its closing quote.
 */
export function pythonJsonDumps(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) return 'null';
  // Tested on the flat text (cheap); the escaping, rare, runs on the result.
  const ascii = !HAS_NON_ASCII.test(json);
  let out = '';
  let from = 0;
  let i = 0;
  const n = json.length;
  while (i < n) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      // A string: jump to its closing quote (one not escaped by an odd run of backslashes).
      for (;;) {
        const close = json.indexOf('"', i + 1);
        let backslashes = 0;
        while (json.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
        i = close;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === COMMA || c === COLON) {
      out += json.slice(from, i + 1) + ' ';
      from = i + 1;
    }
    i++;
  }
  out += json.slice(from);
  return ascii ? out : out.replace(NON_ASCII, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
