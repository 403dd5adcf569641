/** On a terminal, plugd's logs are formatted by pino-pretty (loaded by the CLI bundle from bin/node_modules). */
import { expect, it } from '@jest/globals';
import { runPlugd } from '../../test/helpers/plugd-process.js';

it('writes readable log lines, not JSON, when stderr is a terminal', async () => {
  // stderr is a pipe here: tell plugd it is a terminal before its code runs
  const ran = await runPlugd(['exec', '--log-level', 'info', '{"action":"echo","args":{"text":"pretty"}}'], {
    env: { NODE_OPTIONS: '--import=data:text/javascript,process.stderr.isTTY=true' },
  });
  expect(ran.code).toBe(0);
  expect(JSON.parse(ran.stdout)).toMatchObject({ observation: 'echo' });
  expect(ran.stderr).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*plugin ready/m);
  expect(ran.stderr).not.toContain('"level":30');
}, 60_000);
