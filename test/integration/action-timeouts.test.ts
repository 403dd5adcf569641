import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Supervisor, parseConfig } from '@plugd/supervisor';
import type { ExitEvent } from '@plugd/supervisor';

const BEHAVE = fileURLToPath(new URL('../fixtures/plugins/behave.mjs', import.meta.url));

let supervisor: Supervisor | undefined;

afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

function start(env: Record<string, string> = {}, cancelGraceMs = 300): Promise<Supervisor> {
  supervisor = new Supervisor(
    parseConfig(
      {
        plugins: [
          {
            name: 'behave',
            command: ['node', BEHAVE],
            env,
            restart: { initialDelayMs: 0 },
            timeouts: { cancelGraceMs, shutdownMs: 1000 },
          },
        ],
      },
      { source: 'test', baseDir: process.cwd() },
    ),
  );
  return supervisor.start().then(() => supervisor!);
}

describe('action timeouts', () => {
  it('answers ACTION_TIMEOUT at the deadline, cancels the action, and keeps a plugin that honoured the cancel', async () => {
    const sup = await start();
    const pid = sup.plugin('behave')!.pid;
    const obs = await sup.execute({ action: 'sleep', args: { ms: 60_000 }, timeout: 0.3 });
    expect(obs.extras).toEqual({ error_id: 'ACTION_TIMEOUT' });
    expect(obs.content).toMatch(/within 0.3 s/);
    expect(await sup.execute({ action: 'echo', args: { text: 'still here' } })).toMatchObject({ content: 'still here' });
    expect(sup.plugin('behave')!.pid).toBe(pid);
    expect(sup.plugin('behave')!.restarts).toBe(0);
  });

  it('kills and restarts a plugin that ignores the cancel past cancelGraceMs; the late reply is dropped', async () => {
    const sup = await start({}, 200);
    const firstPid = sup.plugin('behave')!.pid;
    const exited = once(sup, 'exit') as Promise<[ExitEvent]>;
    const ready = new Promise<void>((resolve) => sup.on('ready', (e) => e.generation === 2 && resolve()));
    const obs = await sup.execute({ action: 'sleep', args: { ms: 60_000, ignore_cancel: true }, timeout: 0.3 });
    expect(obs.extras).toEqual({ error_id: 'ACTION_TIMEOUT' });
    const [exit] = await exited;
    expect(exit.reason).toBe('cancel-ignored');
    expect(exit.pid).toBe(firstPid);
    await ready;
    const after = await sup.execute({ action: 'pid', args: {} });
    expect(after.content).not.toBe(String(firstPid));
    expect(sup.plugin('behave')!.actionsHandled).toBe(2);
  });

  it('runs one action at a time for a plugin that declares concurrency 1; a queued action times out as ACTION_TIMEOUT', async () => {
    const sup = await start({ FIXTURE_CONCURRENCY: '1' });
    const long = sup.execute({ action: 'sleep', args: { ms: 60_000 }, timeout: 60 });
    const queued = await sup.execute({ action: 'echo', args: { text: 'x' }, timeout: 0.5 });
    expect(queued.extras).toEqual({ error_id: 'ACTION_TIMEOUT' });
    expect(queued.content).toMatch(/queue \(concurrency 1\)/);
    expect(sup.plugin('behave')!.inFlight).toBe(1);
    await sup.stop();
    expect((await long).observation).toBeDefined();
  });

  it('counts the timeout from acceptance, queueing included', async () => {
    const sup = await start({ FIXTURE_CONCURRENCY: '1' });
    const first = sup.execute({ action: 'sleep', args: { ms: 400 }, timeout: 10 });
    const started = Date.now();
    const second = await sup.execute({ action: 'sleep', args: { ms: 400 }, timeout: 0.6 });
    // 400 ms queued + 400 ms running > 600 ms: it must time out, not run to the end.
    expect(second.extras).toEqual({ error_id: 'ACTION_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await first).content).toBe('slept');
  });
});
