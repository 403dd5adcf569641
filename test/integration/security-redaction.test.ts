/**
 * Issue 11 item 6: secret values plugd knows of (the API key, secret-named env values,
 * secret-keyed config values) never appear in the free text plugd writes: stderr lines
 * in its log, plugd/log messages, crash reports, PLUGIN_ERROR text, status, trace files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jsonLogger, parseConfig, Supervisor } from '@plugd/supervisor';
import { FIXTURES, REPO, tempDir } from '../helpers/plugd-process.js';
import { nextEvent } from '../helpers/supervisor-events.js';

const API_KEY = 'sk-plugd-api-key-0123456789';
const TOKEN = 'ghp_tokenvalue_abcdef123456';
const PASSWORD = 'hunter2-correct-horse';
const SECRETS = [API_KEY, TOKEN, PASSWORD];
const text = `k=${API_KEY} t=${TOKEN} p=${PASSWORD}`;

describe('secret values in free text', () => {
  const tmp = tempDir();
  const traceFile = join(tmp.dir, 'leaky.trace.jsonl');
  const logs: string[] = [];
  const observations: string[] = [];
  let supervisor: Supervisor;
  const run = async (action: string) => {
    const obs = await supervisor.execute({ action, args: { text } });
    observations.push(JSON.stringify(obs));
    return obs;
  };

  beforeAll(async () => {
    const config = parseConfig(
      {
        server: { apiKey: API_KEY },
        plugins: [
          {
            name: 'leaky',
            command: ['node', join(FIXTURES, 'leaky.mjs')],
            env: { GITHUB_TOKEN: TOKEN },
            config: { db: { password: PASSWORD } },
            trace: { level: 'verbose', file: traceFile },
            restart: { initialDelayMs: 10, jitter: 0 },
          },
        ],
      },
      { source: 'test', baseDir: REPO },
    );
    supervisor = new Supervisor(config, { logger: jsonLogger((line) => logs.push(line), 'debug') });
    await supervisor.start();
  });

  afterAll(async () => {
    await supervisor.stop();
    tmp.remove();
  });

  it('scrubs them from stderr lines and plugd/log entries in the log', async () => {
    // stderr and the wire are separate pipes: wait for both, not for the answer.
    const logged = nextEvent(supervisor, 'log');
    const stderr = nextEvent(supervisor, 'stderr', (e) => e.line.includes('leaking:'));
    expect(await run('leak')).toMatchObject({ content: 'ok' });
    expect((await stderr).line).toBe('leaking: k=[REDACTED] t=[REDACTED] p=[REDACTED]');
    await logged;
    const stderrLine = logs.find((l) => l.includes('leaking:'));
    expect(stderrLine).toContain('leaking: k=[REDACTED] t=[REDACTED] p=[REDACTED]');
    expect(logs.find((l) => l.includes('log message:'))).toContain('"detail":"k=[REDACTED] t=[REDACTED] p=[REDACTED]"');
  });

  it('scrubs them from PLUGIN_ERROR text and from crash reports (stderr tail), status and the exit log', async () => {
    const failed = await run('fail');
    expect(failed.extras).toEqual({ error_id: 'PLUGIN_ERROR' });
    expect(failed.content).toContain('failing with k=[REDACTED]');
    const ready = nextEvent(supervisor, 'ready', (e) => e.generation === 2);
    const crashed = await run('crash');
    expect(crashed.extras).toEqual({ error_id: 'PLUGIN_CRASHED' });
    expect(crashed.content).toContain('about to crash: k=[REDACTED] t=[REDACTED] p=[REDACTED]');
    await ready;
    observations.push(JSON.stringify(supervisor.plugins()));
  });

  it('scrubs them from the trace file (verbose params and results, initialize config included)', async () => {
    await supervisor.trace.flush();
    const trace = readFileSync(traceFile, 'utf8');
    expect(trace).toContain('k=[REDACTED]');
    for (const secret of SECRETS) expect(trace).not.toContain(secret);
  });

  it('leaves no secret value anywhere plugd wrote', () => {
    const all = [...logs, ...observations].join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(all).not.toContain(secret);
  });
});
