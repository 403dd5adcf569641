/**
 * The speculative start's two gates, no processes: BurstSpeculation (watch side: when to
 * start, and whether the settled burst confirms it; real files) and Speculation (plugin
 * side: held, confirmed, adopted or dropped).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BurstSpeculation } from '../src/watch/burst-speculation.js';
import type { SpeculativeStart } from '../src/watch/burst-speculation.js';
import { ContentHashes } from '../src/watch/content-hash.js';
import { Speculation } from '../src/plugin/speculation.js';

const dir = mkdtempSync(join(tmpdir(), 'plugd-speculation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Two files with a recorded baseline. */
async function files(): Promise<{ a: string; b: string; hashes: ContentHashes }> {
  n += 1;
  const a = join(dir, `a${n}.js`);
  const b = join(dir, `b${n}.js`);
  writeFileSync(a, 'a0');
  writeFileSync(b, 'b0');
  const hashes = new ContentHashes();
  await hashes.record(a);
  await hashes.record(b);
  return { a, b, hashes };
}

/** A speculate() that records what it was asked and how it ended. */
function recorder(accept = true) {
  const calls: string[][] = [];
  const verdicts: string[] = [];
  const speculate = (changed: readonly string[]): SpeculativeStart | undefined => {
    calls.push([...changed]);
    if (!accept) return undefined;
    return {
      confirm: () => (verdicts.push('confirmed'), true),
      invalidate: () => void verdicts.push('invalidated'),
    };
  };
  return { calls, verdicts, speculate };
}

/** Settles `burst` the way PluginWatcher does: hash now, settle against the baseline, then record. */
async function settle(burst: BurstSpeculation, hashes: ContentHashes, touched: string[]): Promise<{ confirmed: boolean; changed: string[] }> {
  const now = await hashes.peek(touched);
  const confirmed = burst.settle(now);
  return { confirmed, changed: hashes.apply(now) };
}

describe('BurstSpeculation', () => {
  it('starts at the first real change and confirms when the burst settles on that content', async () => {
    const { a, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, 'a1');
    await burst.onEvents(new Set([a]));
    expect(r.calls).toEqual([[a]]);
    await burst.onEvents(new Set([a])); // one start per burst
    expect(r.calls).toHaveLength(1);
    expect(await settle(burst, hashes, [a])).toEqual({ confirmed: true, changed: [a] });
    expect(r.verdicts).toEqual(['confirmed']);
  });

  it('starts nothing for a save of the same bytes; a later real change in the same burst starts it', async () => {
    const { a, b, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, 'a0');
    await burst.onEvents(new Set([a]));
    expect(r.calls).toEqual([]);
    writeFileSync(b, 'b1');
    await burst.onEvents(new Set([a, b]));
    expect(r.calls).toEqual([[b]]);
    expect((await settle(burst, hashes, [a, b])).confirmed).toBe(true);
  });

  it('is invalidated by a change after the start to a file it was started on (a truncated file, then its content)', async () => {
    const { a, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, ''); // the truncation is what the first event saw
    await burst.onEvents(new Set([a]));
    writeFileSync(a, 'a1'); // the write that followed it (chokidar may not report it: the settle re-hash does)
    expect(await settle(burst, hashes, [a])).toEqual({ confirmed: false, changed: [a] });
    expect(r.verdicts).toEqual(['invalidated']);
  });

  it('a file that reads empty at its event (writeFile truncates first) is read again: the start is made on the content that follows', async () => {
    const { a, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate, 5_000);
    writeFileSync(a, '');
    const attempt = burst.onEvents(new Set([a]));
    await new Promise((resolve) => setTimeout(resolve, 20)); // pacing: the write lands while it re-reads
    expect(r.calls).toEqual([]);
    writeFileSync(a, 'a1');
    await attempt;
    expect(r.calls).toEqual([[a]]);
    expect((await settle(burst, hashes, [a])).confirmed).toBe(true);
  });

  it('a file that stays empty is started on once the wait is over', async () => {
    const { a, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate, 10);
    writeFileSync(a, '');
    await burst.onEvents(new Set([a]));
    expect(r.calls).toEqual([[a]]);
    expect((await settle(burst, hashes, [a])).confirmed).toBe(true);
  });

  it('is invalidated by a change to another file after the start, even one deleted or created', async () => {
    const { a, b, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, 'a1');
    await burst.onEvents(new Set([a]));
    unlinkSync(b);
    expect(await settle(burst, hashes, [a, b])).toEqual({ confirmed: false, changed: [a, b].sort() });
    expect(r.verdicts).toEqual(['invalidated']);
  });

  it('is invalidated when the burst ends with no change at all (edited, then reverted)', async () => {
    const { a, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, 'a1');
    await burst.onEvents(new Set([a]));
    writeFileSync(a, 'a0');
    expect(await settle(burst, hashes, [a])).toEqual({ confirmed: false, changed: [] });
    expect(r.verdicts).toEqual(['invalidated']);
  });

  it('a touched file with the same bytes after the start does not invalidate it', async () => {
    const { a, b, hashes } = await files();
    const r = recorder();
    const burst = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, 'a1');
    await burst.onEvents(new Set([a]));
    writeFileSync(b, 'b0');
    writeFileSync(a, 'a1');
    expect(await settle(burst, hashes, [a, b])).toEqual({ confirmed: true, changed: [a] });
  });

  it('a start the plugin refused is not tried again in the burst, and settles to nothing', async () => {
    const { a, b, hashes } = await files();
    const r = recorder(false);
    const burst = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, 'a1');
    await burst.onEvents(new Set([a]));
    writeFileSync(b, 'b1');
    await burst.onEvents(new Set([a, b]));
    expect(r.calls).toEqual([[a]]);
    expect((await settle(burst, hashes, [a, b])).confirmed).toBe(false);
  });

  it('cancel() invalidates a start, and one whose hashing was under way is never made', async () => {
    const { a, hashes } = await files();
    const r = recorder();
    const started = new BurstSpeculation(hashes, r.speculate);
    writeFileSync(a, 'a1');
    await started.onEvents(new Set([a]));
    started.cancel();
    expect(r.verdicts).toEqual(['invalidated']);

    const racing = new BurstSpeculation(hashes, r.speculate);
    const hashing = racing.onEvents(new Set([a]));
    racing.cancel();
    await hashing;
    expect(r.calls).toHaveLength(1);
  });
});

describe('Speculation (the held generation)', () => {
  it('held -> confirmed -> adopted: what was kept back is told in order, then everything at once', () => {
    const told: string[] = [];
    const drops: string[] = [];
    const s = new Speculation((why) => drops.push(why));
    s.tell(() => told.push('spawn'));
    s.tell(() => told.push('stderr'));
    expect(told).toEqual([]);
    expect(s.confirm()).toBe(true);
    expect(s.confirm()).toBe(true);
    s.adopt();
    expect(told).toEqual(['spawn', 'stderr']);
    s.tell(() => told.push('exit'));
    expect(told).toEqual(['spawn', 'stderr', 'exit']);
    s.invalidate(); // too late: it serves
    expect(drops).toEqual([]);
    return expect(s.decided).resolves.toBe(true);
  });

  it('dropped: nothing kept back is told, nothing later either, confirm() is refused, onDrop runs once', () => {
    const told: string[] = [];
    const drops: string[] = [];
    const s = new Speculation((why) => drops.push(why));
    s.tell(() => told.push('stderr'));
    s.invalidate();
    s.drop('again');
    s.tell(() => told.push('exit'));
    expect(told).toEqual([]);
    expect(drops).toEqual(['its files changed after it was started']);
    expect(s.confirm()).toBe(false);
    expect(() => s.adopt()).toThrow(/only once confirmed/);
    return expect(s.decided).resolves.toBe(false);
  });

  it('is adopted only once confirmed', () => {
    const s = new Speculation(() => undefined);
    expect(() => s.adopt()).toThrow(/only once confirmed/);
    expect(s.pending).toBe(true);
  });
});
