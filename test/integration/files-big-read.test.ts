/**
 * Results bigger than the frame limit, through a real Supervisor and the real files
 * plugin: the plugin caps what `read` returns, the SDK refuses to send an oversized
 * frame, and neither kills the plugin or the actions in flight on it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { parseConfig, Supervisor } from '@plugd/supervisor';
import type { Observation } from '@plugd/protocol';

const dir = mkdtempSync(join(tmpdir(), 'plugd-bigread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

async function files(extra: Record<string, unknown> = {}): Promise<Supervisor> {
  supervisor = new Supervisor(parseConfig({ plugins: [{ name: 'files', config: { cwd: dir }, ...extra }] }, { source: 'test', baseDir: dir }));
  await supervisor.start();
  return supervisor;
}
const read = (s: Supervisor, path: string, args: Record<string, unknown> = {}): Promise<Observation> => s.execute({ action: 'read', args: { path, ...args } });
const errorId = (o: Observation) => (o.extras as { error_id?: string }).error_id;

/** A `read` of a FIFO stays in flight until the test writes to it: an action provably running alongside. */
function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

describe('reading big files with the files plugin', () => {
  it('clips a 40 MB text file with a note saying how to read the next range; an action in flight finishes; no restart', async () => {
    const big = join(dir, 'big.log');
    const line = `${'y'.repeat(99)}\n`;
    writeFileSync(big, line.repeat(400_000));
    const s = await files();
    const pid = s.plugin('files')!.pid;
    const pipe = fifo('pending-1');
    const pending = read(s, pipe);
    const o = await read(s, big);
    expect(o.content.slice(0, 300)).toBe(line.repeat(3).slice(0, 300));
    expect(o.observation).toBe("read");
    expect(o.content.length).toBeLessThan(1024 * 1024 + 2000);
    expect(o.content).toContain(`<response clipped><NOTE>The file ${big} is 40000000 bytes; a read returns at most 1048576 characters, so lines 0 to 10484 (0-based) were returned.`);
    expect(o.content).toContain('"start": 10485');
    const next = await read(s, big, { start: 10485, end: 10487 });
    expect(next.content).toBe(line + line);
    await writeFile(pipe, 'from the fifo\n');
    expect((await pending).content).toBe('from the fifo\n');
    expect(s.plugin('files')).toMatchObject({ state: 'ready', pid, restarts: 0 });
  });

  it('an image over the frame limit is answered with PLUGIN_ERROR naming size and limit; the plugin keeps serving', async () => {
    const image = join(dir, 'photo.png');
    writeFileSync(image, randomBytes(300 * 1024));
    const small = join(dir, 'small.txt');
    writeFileSync(small, 'small\n');
    const s = await files({ maxFrameBytes: 256 * 1024 });
    const pid = s.plugin('files')!.pid;
    const pipe = fifo('pending-2');
    const pending = read(s, pipe);
    const o = await read(s, image);
    expect(errorId(o)).toBe('PLUGIN_ERROR');
    expect(o.content).toMatch(/^Plugin files: the observation of "read" is 4\d{5} bytes, over the frame limit of 262144 bytes, so it was not sent\. Ask for less/);
    expect((await read(s, small)).content).toBe('small\n');
    await writeFile(pipe, 'still here\n');
    expect((await pending).content).toBe('still here\n');
    expect(s.plugin('files')).toMatchObject({ state: 'ready', pid, restarts: 0 });
  });
});
