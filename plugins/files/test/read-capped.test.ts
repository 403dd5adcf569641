import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLinesCapped } from '../src/read-capped.js';

const dir = mkdtempSync(join(tmpdir(), 'plugd-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): { path: string; size: number } {
  const path = join(dir, `f${++n}.txt`);
  writeFileSync(path, content);
  return { path, size: Buffer.byteLength(content) };
}
const read = (f: { path: string; size: number }, start: number, end: number, limit?: number) => readLinesCapped(f.path, f.size, start, end, limit);

const tenLines = Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join('');

describe('readLinesCapped', () => {
  it('returns lines [start, end) like OpenHands read_lines, -1 reading to the end', async () => {
    const f = file(tenLines);
    expect(await read(f, 0, -1)).toBe(tenLines);
    expect(await read(f, 2, 4)).toBe('line 2\nline 3\n');
    expect(await read(f, 8, 50)).toBe('line 8\nline 9\n');
    expect(await read(f, 20, -1)).toBe('');
    expect(await read(file('a\nlast without newline'), 1, -1)).toBe('last without newline');
  });

  it('stops before the line that would pass the cap and says how to read on from it', async () => {
    const f = file(tenLines);
    const out = await read(f, 1, -1, 30);
    expect(out.startsWith('line 1\nline 2\nline 3\nline 4\n<response clipped><NOTE>')).toBe(true);
    expect(out).toContain(`The file ${f.path} is 70 bytes; a read returns at most 30 characters, so lines 1 to 4 (0-based) were returned.`);
    expect(out).toContain(`"start": 5 (0-based line)`);
    expect(await read(f, 5, -1, 30)).toMatch(/^line 5\nline 6\nline 7\nline 8\n<response clipped>/);
  });

  it('cuts a single line longer than the cap and points past it', async () => {
    const f = file(`${'x'.repeat(200_000)}\nnext\n`);
    const out = await read(f, 0, -1, 1000);
    expect(out.indexOf('<response clipped>')).toBe(1001); // after the 1000 characters and a newline
    expect(out.slice(0, 1000)).toBe('x'.repeat(1000));
    expect(out).toContain('line 0 (0-based) is longer than that and was cut');
    expect(out).toContain('"start": 1');
  });

  it('keeps multi-byte characters split across chunks whole', async () => {
    const text = `${'é'.repeat(100_000)}\n`;
    expect(await read(file(text), 0, -1)).toBe(text);
  });

  it('refuses binary and non-UTF-8 files with what to do instead', async () => {
    await expect(read(file(Buffer.from([1, 0, 2])), 0, -1)).rejects.toThrow(/appears to be binary/);
    await expect(read(file(Buffer.from([0x61, 0xff, 0x62])), 0, -1)).rejects.toThrow(/not valid UTF-8 text/);
  });
});
