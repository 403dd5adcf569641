/** A top-level `trace.file` shared by several plugins: one writer, rotation never from under another, no line lost. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseConfig, Supervisor } from '@plugd/supervisor';
import { nodeFixture, REPO_ROOT } from '../helpers/supervision.js';

const dir = mkdtempSync(join(tmpdir(), 'plugd-shared-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a trace file shared by several plugins', () => {
  it('keeps every line of three plugins tracing to one rotating file at once', async () => {
    const file = join(dir, 'all.trace.jsonl');
    const names = ['a', 'b', 'c'];
    const maxBytes = 16 * 1024;
    const config = parseConfig(
      {
        trace: { level: 'messages', file, maxBytes, maxFiles: 500 },
        plugins: names.map((name) => ({
          name,
          command: nodeFixture('behave.mjs'),
          env: { FIXTURE_NAME: name, FIXTURE_ACTIONS: `echo_${name}` },
          timeouts: { pingIntervalMs: 600_000 },
        })),
      },
      { source: 'test', baseDir: REPO_ROOT },
    );
    const supervisor = new Supervisor(config);
    const N = 150;
    try {
      await supervisor.start();
      const answers = await Promise.all(
        names.flatMap((name) => Array.from({ length: N }, (_, i) => supervisor.execute({ action: `echo_${name}`, args: { text: `${name}${i}` } }))),
      );
      expect(answers.filter((o) => o.observation === 'error')).toEqual([]);
      await supervisor.trace.flush();
    } finally {
      await supervisor.stop();
    }
    const files = readdirSync(dir).filter((f) => f.startsWith('all.trace.jsonl'));
    expect(files.length).toBeGreaterThan(3); // it did rotate, several times
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(maxBytes);
    const records = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { plugin: string; method: string; dir: string }));
    for (const name of names) {
      const runs = records.filter((r) => r.plugin === name && r.method === 'run');
      expect({ plugin: name, out: runs.filter((r) => r.dir === 'out').length, in: runs.filter((r) => r.dir === 'in').length }).toEqual({ plugin: name, out: N, in: N });
    }
  });
});
