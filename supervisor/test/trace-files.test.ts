import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redactor } from '../src/trace/redact.js';
import { BatchText } from '../src/trace/batch-records.js';
import { RotatingFile } from '../src/trace/rotating-file.js';
import { writeThread } from '../src/trace/write-thread.js';
import { CHRT_PATHS } from '../src/trace/idle-priority.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plugd-rot-'));
  dirs.push(dir);
  return dir;
}

describe('Redactor', () => {
  const r = new Redactor(['api_key', 'password', 'token', 'authorization']);

  it('replaces values under secret keys at any depth, case and separator insensitive', () => {
    const input = { a: 1, token: 'x', nested: [{ API_KEY: 'k', apiKey: 'k2', 'api-key': 'k3', keep: 'v' }], headers: { Authorization: 'Bearer z' }, password: null };
    expect(r.redact(input)).toEqual({ a: 1, token: '[REDACTED]', nested: [{ API_KEY: '[REDACTED]', apiKey: '[REDACTED]', 'api-key': '[REDACTED]', keep: 'v' }], headers: { Authorization: '[REDACTED]' }, password: null });
    // The input is not changed.
    expect(input.token).toBe('x');
  });

  it('leaves scalars and unlisted keys alone; redacts whole objects under a secret key', () => {
    expect(r.redact('token')).toBe('token');
    expect(r.redact(42)).toBe(42);
    expect(r.redact({ token: { a: 1 } })).toEqual({ token: '[REDACTED]' });
    expect(new Redactor([]).redact({ token: 'x' })).toEqual({ token: 'x' });
  });
});

describe('RotatingFile', () => {
  it('caps every file at maxBytes, keeps maxFiles files, and loses no line of the newest ones', async () => {
    const path = join(tmp(), 'p.trace.jsonl');
    const file = new RotatingFile(path, { maxBytes: 1024, maxFiles: 3 });
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(60) }));
    for (const line of lines) file.write(line);
    await file.close();

    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    for (const f of [path, `${path}.1`, `${path}.2`]) expect(statSync(f).size).toBeLessThanOrEqual(1024);
    // Oldest to newest, the kept lines are the last ones written, in order, each whole.
    const kept = [`${path}.2`, `${path}.1`, path].flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
    expect(kept).toEqual(lines.slice(lines.length - kept.length));
    expect(kept.length).toBeGreaterThan(30);
  });

  it('writes frame records and lines in the order queued, a multi-MiB line among them whole, batch after batch', async () => {
    const path = join(tmp(), 'mixed.jsonl');
    const file = new RotatingFile(path, { maxBytes: 1 << 30, maxFiles: 2 });
    const source = new BatchText(',"plugin":"é","pid":7,"generation":1');
    const fragment = new BatchText(',"dir":"in","kind":"response","method":"run"');
    const big = JSON.stringify({ big: 'ü'.repeat(3 << 20) });
    const expected: string[] = [];
    const NOW = Date.UTC(2026, 11, 2, 20, 0, 0, 5);
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 100; i++) {
        file.frame(source, fragment, NOW + i, i, i * 10 + 1, 1000 + i);
        expected.push(`{"time":"${new Date(NOW + i).toISOString()}"${source.text}${fragment.text},"id":${i},"durationMs":${(i * 10 + 1) / 1000},"bytes":${1000 + i}}`);
        if (i === 50) {
          file.write(big);
          expected.push(big);
        }
      }
      await file.flush(); // the next batch starts with nothing defined
    }
    await file.close();
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    expect(lines.length).toBe(expected.length);
    for (let i = 0; i < lines.length; i++) if (lines[i] !== expected[i]) expect(lines[i]).toBe(expected[i]);
  });

  it('reuses its batch buffers once grown: no new shared buffer per batch, also when a batch is written before the next frame', async () => {
    const path = join(tmp(), 'reuse.jsonl');
    const file = new RotatingFile(path, { maxBytes: 1 << 30, maxFiles: 2 });
    const source = new BatchText(',"plugin":"p","pid":7,"generation":1');
    const fragment = new BatchText(',"dir":"out","kind":"request","method":"run"');
    const NOW = Date.UTC(2026, 11, 3);
    let id = 0;
    // 4,000 frames (~220 KB of records): past the first buffer's size, so buffers grow.
    const frames = (): void => {
      for (let i = 0; i < 4000; i++) file.frame(source, fragment, NOW, id++, Number.NaN, 100);
    };
    const share = writeThread.share;
    const shared: number[] = [];
    writeThread.share = function (data: SharedArrayBuffer): number {
      shared.push(data.byteLength);
      return share.call(this, data);
    };
    const sharedAfter: number[] = [];
    try {
      for (let round = 0; round < 6; round++) {
        frames();
        const first = file.flush(); // on its way while the next batch fills
        frames();
        await first;
        await file.flush(); // written before any frame of the next round
        if (round === 1) sharedAfter.push(shared.length);
      }
    } finally {
      writeThread.share = share;
    }
    await file.close();
    expect(shared.length).toBeGreaterThan(0);
    // Rounds 2-5 take the buffers rounds 0-1 grew.
    expect(shared.length).toBe(sharedAfter[0]);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(id);
  });

  it('defines a repeating text again for another file in a batch of the same number', async () => {
    const dir = tmp();
    const files = [new RotatingFile(join(dir, 'a.jsonl'), { maxBytes: 1 << 20, maxFiles: 2 }), new RotatingFile(join(dir, 'b.jsonl'), { maxBytes: 1 << 20, maxFiles: 2 })];
    const source = new BatchText(',"plugin":"p","generation":1');
    const fragment = new BatchText(',"dir":"out","kind":"notification","method":"m"');
    const NOW = Date.UTC(2026, 11, 2);
    for (const file of files) file.frame(source, fragment, NOW, Number.NaN, Number.NaN, 5);
    await Promise.all(files.map((f) => f.close()));
    const line = `{"time":"${new Date(NOW).toISOString()}","plugin":"p","generation":1,"dir":"out","kind":"notification","method":"m","bytes":5}`;
    for (const name of ['a.jsonl', 'b.jsonl']) expect(readFileSync(join(dir, name), 'utf8')).toBe(`${line}\n`);
  });

  it('appends to an existing file and counts its size; maxFiles 1 starts over', async () => {
    const path = join(tmp(), 'q.jsonl');
    writeFileSync(path, `${'y'.repeat(1020)}\n`);
    const file = new RotatingFile(path, { maxBytes: 1024, maxFiles: 1 });
    file.write('{"after":1}');
    await file.flush();
    expect(readFileSync(path, 'utf8')).toBe('{"after":1}\n');
    file.write('{"after":2}');
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('{"after":1}\n{"after":2}\n');
    expect(existsSync(`${path}.1`)).toBe(false);
  });

  it('reports an unwritable path once per failed batch and keeps going', async () => {
    const errors: Error[] = [];
    const notADir = join(tmp(), 'file');
    writeFileSync(notADir, '');
    const bad = new RotatingFile(join(notADir, 'x.jsonl'), { maxBytes: 4096, maxFiles: 2, onError: (e) => errors.push(e) });
    bad.write('{}');
    bad.write('{}');
    await bad.close();
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});

describe('RotatingFile on a slow disk', () => {
  it('keeps at most maxQueuedBytes waiting, drops the rest and marks how many lines were dropped where', async () => {
    // A FIFO whose reader does not read yet: once the pipe's buffer is full, writes wait, like a stalled disk.
    const path = join(tmp(), 'slow.jsonl');
    execFileSync('mkfifo', [path]);
    const reader = open(path, 'r');
    const bound = 64 * 1024;
    const file = new RotatingFile(path, { maxBytes: 1 << 30, maxFiles: 2, maxQueuedBytes: bound });
    const N = 20_000;
    let most = 0;
    for (let i = 0; i < N; i++) {
      file.write(JSON.stringify({ n: i, pad: 'z'.repeat(80) }));
      most = Math.max(most, file.queuedBytes);
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(most).toBeLessThanOrEqual(bound);
    expect(file.dropped).toBeGreaterThan(0);
    // Now the disk catches up: read everything, then close the writer (EOF).
    const handle = await reader;
    const chunks: Buffer[] = [];
    const stream = handle.createReadStream();
    stream.on('data', (c) => chunks.push(c as Buffer));
    const ended = new Promise<void>((r) => stream.once("end", () => r()));
    await file.close();
    await ended;
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { n?: number; dropped?: number; message?: string });
    const kept = lines.filter((l) => l.n !== undefined).map((l) => l.n!);
    const markers = lines.filter((l) => l.dropped !== undefined);
    expect(markers.length).toBeGreaterThan(0);
    expect(markers[0]!.message).toMatch(/^\d+ lines dropped: writing .*slow\.jsonl fell behind$/);
    expect(kept.length + markers.reduce((n, m) => n + m.dropped!, 0)).toBe(N);
    expect(markers.reduce((n, m) => n + m.dropped!, 0)).toBe(file.dropped);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    // Each marker sits where lines are missing: the next kept line skips exactly that many.
    let expected = 0;
    for (const l of lines) {
      if (l.dropped !== undefined) expected += l.dropped;
      else {
        expect(l.n).toBe(expected);
        expected += 1;
      }
    }
  });
});

describe('the trace write thread', () => {
  const rotatingFile = fileURLToPath(new URL('../dist/trace/rotating-file.js', import.meta.url));
  /** A node process that traces `lines` lines to `path` with `ending` ('close' | 'flush'), then has nothing left to do. */
  function traceInChild(path: string, lines: number, ending: 'close' | 'flush') {
    const script = `
      const { RotatingFile } = await import(${JSON.stringify(rotatingFile)});
      const file = new RotatingFile(${JSON.stringify(path)}, { maxBytes: 1 << 20, maxFiles: 2 });
      for (let i = 0; i < ${lines}; i++) file.write(JSON.stringify({ n: i }));
      await file.${ending}();`;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  }

  it('runs at the lowest priority (nice 19, SCHED_IDLE where chrt is installed) while the event loop keeps its own', async () => {
    const file = new RotatingFile(join(tmp(), 'nice.jsonl'), { maxBytes: 1 << 20, maxFiles: 2 });
    file.write('{"n":1}');
    await file.flush();
    /** A thread's nice value and scheduling policy (0 SCHED_OTHER, 5 SCHED_IDLE). */
    const sched = (task: string): { nice: number; policy: number } => {
      const fields = readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return { nice: Number(fields[16]), policy: Number(fields[38]) };
    };
    const threads = readdirSync('/proc/self/task').map(sched);
    await file.close();
    const writer = threads.filter((t) => t.nice === 19);
    expect(writer).toHaveLength(1);
    expect(writer[0]!.policy).toBe(CHRT_PATHS.some((p) => existsSync(p)) ? 5 : 0);
    expect(sched(String(process.pid))).toEqual({ nice: expect.any(Number), policy: 0 }); // the event loop keeps its own
    expect(sched(String(process.pid)).nice).toBeLessThan(19);
  });

  it('lowers a thread to SCHED_IDLE through chrt by full path, and stays at nice 19 without it', () => {
    // In a child process, so this test's own thread is not lowered.
    const run = (paths: readonly string[]) => {
      const script = `
        const fs = await import('node:fs');
        const { lowerThreadPriority } = await import(${JSON.stringify(fileURLToPath(new URL('../dist/trace/idle-priority.js', import.meta.url)))});
        lowerThreadPriority(fs, await import('node:os'), await import('node:child_process'), ${JSON.stringify(paths)});
        const fields = fs.readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
        process.stdout.write(JSON.stringify({ nice: Number(fields[16]), policy: Number(fields[38]) }));`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
      expect(child.stderr).toBe('');
      return JSON.parse(child.stdout) as { nice: number; policy: number };
    };
    expect(run([join(tmp(), 'no-chrt-here')])).toEqual({ nice: 19, policy: 0 });
    const chrt = CHRT_PATHS.find((p) => existsSync(p));
    if (chrt) expect(run([chrt])).toEqual({ nice: 19, policy: 5 });
  });

  it('writes every line and lets the process exit on its own once the last file is closed', () => {
    const path = join(tmp(), 'closed.jsonl');
    const run = traceInChild(path, 5000, 'close');
    expect(run.error).toBeUndefined(); // not killed by the timeout: nothing kept the process alive
    expect(run.status).toBe(0);
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('survives its thread dying: says so once, opens the file again in a new thread and loses nothing after', async () => {
    const path = join(tmp(), 'reborn.jsonl');
    const errors: Error[] = [];
    let heard: () => void = () => undefined;
    const died = new Promise<void>((resolve) => (heard = resolve));
    const file = new RotatingFile(path, { maxBytes: 1 << 20, maxFiles: 2, onError: (e) => (errors.push(e), heard()) });
    file.write('{"n":0}');
    await file.flush();
    // What an out-of-memory end of the thread looks like from here: it exits.
    await (writeThread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await died;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/trace write thread stopped/);
    file.write('{"n":1}');
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":0}\n{"n":1}\n');
    expect(errors).toHaveLength(1);
  });

  it('closes many files at once: every close resolves, every line is written, and the thread stops after the last', async () => {
    const dir = tmp();
    const files = Array.from({ length: 8 }, (_, i) => new RotatingFile(join(dir, `f${i}.jsonl`), { maxBytes: 1 << 20, maxFiles: 2 }));
    for (let round = 0; round < 3; round++) {
      files.forEach((file, i) => {
        for (let n = 0; n < 200; n++) file.write(JSON.stringify({ i, n }));
      });
      // Each close waits for its own flush while the others' are still on their way.
      await Promise.all(files.map((file) => file.close()));
      expect((writeThread as unknown as { worker?: unknown }).worker).toBeUndefined();
      for (let i = 0; i < files.length; i++) expect(readFileSync(join(dir, `f${i}.jsonl`), 'utf8').split('\n').filter(Boolean)).toHaveLength(200 * (round + 1));
      files.splice(0, files.length, ...files.map((file) => new RotatingFile(file.path, { maxBytes: 1 << 20, maxFiles: 2 })));
    }
  });

  it('never keeps an idle process alive: flushed and not closed, the process still exits', () => {
    const path = join(tmp(), 'flushed.jsonl');
    const run = traceInChild(path, 100, 'flush');
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(100);
  });
});
