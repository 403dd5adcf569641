import { describe, expect, it } from '@jest/globals';
import { pythonJsonDumps } from '../src/mcp/python-json.js';

describe("Python's json.dumps text", () => {
  it('uses ", " and ": " separators and escapes non-ASCII, and parses back to the same value', () => {
    const value = { a: [1, 2.5, null, true], 'ü': 'naïve ☃ 😀', nested: { q: 'say "hi"\n' }, skipped: undefined };
    const text = pythonJsonDumps(value);
    // What python3 -c 'import json; print(json.dumps({"a": [1, 2.5, None, True], "ü": "naïve ☃ 😀", "nested": {"q": "say \"hi\"\n"}}))' prints.
    expect(text).toBe('{"a": [1, 2.5, null, true], "\\u00fc": "na\\u00efve \\u2603 \\ud83d\\ude00", "nested": {"q": "say \\"hi\\"\\n"}}');
    expect(JSON.parse(text)).toEqual({ a: [1, 2.5, null, true], 'ü': 'naïve ☃ 😀', nested: { q: 'say "hi"\n' } });
  });
});
