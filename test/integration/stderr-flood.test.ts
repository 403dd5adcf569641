/** A plugin that floods stderr: the log gets a bounded number of lines plus "suppressed N" summaries; its crash report keeps the last lines. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { CHATTY, observed } from '../helpers/observability.js';
import type { Observed } from '../helpers/observability.js';

let o: Observed | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

describe('stderr floods', () => {
  it('logs at most 200 lines a second per plugin and one summary per second for the rest; nothing is unaccounted for', async () => {
    o = observed({ plugins: [{ name: 'chatty', command: CHATTY, restart: { mode: 'never' } }] });
    await o.supervisor.start();
    const N = 20_000;
    const answer = await o.supervisor.execute({ action: 'flood', args: { lines: N } });
    expect(answer.content).toBe(String(N));
    const exit = o.next('exit');
    void o.supervisor.execute({ action: 'die', args: { code: 3 } });
    const e = await exit;
    await o.supervisor.stop(); // flushes the last summary
    const logged = o.logs.filter((l) => l['stream'] === 'stderr' && typeof l.msg === 'string' && l.msg.startsWith('flood '));
    const summaries = o.logs.filter((l) => l['stream'] === 'stderr' && typeof l['suppressed'] === 'number');
    const suppressed = summaries.reduce((n, l) => n + (l['suppressed'] as number), 0);
    expect(logged.length).toBeLessThan(N / 4);
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(summaries[0]!.msg).toMatch(/^suppressed \d+ stderr lines of plugin chatty \(over 200 lines\/s\)/);
    expect(summaries.every((l) => l.level === 40)).toBe(true);
    // "dying now" is logged or counted too: every line is either in the log or in a summary.
    const dying = o.logs.filter((l) => l.msg === 'dying now').length;
    expect(logged.length + suppressed + dying).toBe(N + 1);
    // The crash report still has the last lines, whatever the log left out.
    expect(e.stderrTail.at(-1)).toBe('dying now');
    expect(e.stderrTail).toContain(`flood ${N - 1}`);
  });
});
