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
 * comma or colon is a separator, and non-ASCII characters can only be inside strings.
 */
export function pythonJsonDumps(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) return 'null';
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COMMA || c === COLON) {
      out += `${json.slice(from, i + 1)} `;
      from = i + 1;
    }
  }
  out += json.slice(from);
  return HAS_NON_ASCII.test(out) ? out.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : out;
}
