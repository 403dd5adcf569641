const COMMA = 44;
const COLON = 58;
const QUOTE = 34;
const BACKSLASH = 92;
const SPACE = 32;
const HEX = '0123456789abcdef';

/** Reused output bytes: the result is ASCII, so it is one latin1 string made from them. */
let scratch = Buffer.allocUnsafeSlow(4096);

/**
 * JSON text as Python's `json.dumps(value)` writes it (", " and ": " separators, every
 * character outside space..tilde escaped as \uXXXX), so MCPObservation content is byte
 * for byte what OpenHands' runtime sends. Parsing it gives the same value as
 * JSON.stringify's text would. One JSON.stringify and one pass over its text into a
 * reused buffer (it runs on every call_tool_mcp): no string per separator or escape, one
 * for the result. Outside strings a comma or colon is a separator; non-ASCII characters
 * can only be inside strings.
 */
export function pythonJsonDumps(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) return 'null';
  const n = json.length;
  // At most 6 bytes a character (\uXXXX); a separator takes 2.
  if (scratch.length < n * 6) scratch = Buffer.allocUnsafeSlow(n * 6);
  const out = scratch;
  let o = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = json.charCodeAt(i);
    if (c >= 0x7f) {
      out[o++] = BACKSLASH;
      out[o++] = 117; // u
      out[o++] = HEX.charCodeAt(c >> 12);
      out[o++] = HEX.charCodeAt((c >> 8) & 15);
      out[o++] = HEX.charCodeAt((c >> 4) & 15);
      out[o++] = HEX.charCodeAt(c & 15);
      continue;
    }
    out[o++] = c;
    if (inString) {
      if (c === BACKSLASH) out[o++] = json.charCodeAt(++i); // the escaped character, never a closing quote
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COMMA || c === COLON) out[o++] = SPACE;
  }
  return out.toString('latin1', 0, o);
}
