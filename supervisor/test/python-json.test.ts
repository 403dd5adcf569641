/** MCPObservation content is written as Python's json.dumps writes it (OpenHands' runtime sends that text). */
import { describe, expect, it } from '@jest/globals';
import { pythonJsonDumps } from '../src/mcp/python-json.js';

describe('pythonJsonDumps', () => {
  it('uses ", " and ": " separators and escapes non-ASCII, and parses back to the same value', () => {
    const value = { a: [1, 2.5, null, true], 'ü': 'naïve ☃ 😀', nested: { q: 'say "hi"\n' }, skipped: undefined };
    const text = pythonJsonDumps(value);
    // What python3 -c 'import json; print(json.dumps({"a": [1, 2.5, None, True], "ü": "naïve ☃ 😀", "nested": {"q": "say \"hi\"\n"}}))' prints.
    expect(text).toBe('{"a": [1, 2.5, null, true], "\\u00fc": "na\\u00efve \\u2603 \\ud83d\\ude00", "nested": {"q": "say \\"hi\\"\\n"}}');
    expect(JSON.parse(text)).toEqual({ a: [1, 2.5, null, true], 'ü': 'naïve ☃ 😀', nested: { q: 'say "hi"\n' } });
  });

  it('writes ", " and ": " separators outside strings only', () => {
    expect(pythonJsonDumps({ meta: null, content: [{ type: 'text', text: 'a, b: c' }], isError: false })).toBe(
      '{"meta": null, "content": [{"type": "text", "text": "a, b: c"}], "isError": false}',
    );
  });

  it('escapes non-ASCII and DEL as \\uXXXX (surrogate pairs as two escapes) and keeps JSON escapes', () => {
    // json.dumps({"k": "é😀\x7f\n\"\\"}) in Python 3
    expect(pythonJsonDumps({ k: 'é😀\u007f\n"\\' })).toBe('{"k": "\\u00e9\\ud83d\\ude00\\u007f\\n\\"\\\\"}');
  });

  it('skips undefined members, writes undefined in arrays and at the top as null', () => {
    expect(pythonJsonDumps({ a: undefined, b: [undefined, 1, {}, []] })).toBe('{"b": [null, 1, {}, []]}');
    expect(pythonJsonDumps(undefined)).toBe('null');
  });

  it('parses back to the same value as JSON.stringify gives', () => {
    const value = { 'k:,"': ['x,y', 1.5, -2, true, null, { nested: 'q: "r", s' }] };
    expect(JSON.parse(pythonJsonDumps(value))).toEqual(value);
  });
});
