/** /alive is 503 until every plugin has answered initialize; an action sent earlier waits for it. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { FIXTURES, http, stopAllPlugd, startPlugd, tempDir } from '../helpers/plugd-process.js';

const tmp = tempDir();
afterAll(async () => {
  await stopAllPlugd();
  tmp.remove();
});

describe('plugd start while a plugin is still starting', () => {
  it('answers /alive 503, holds an early action, then serves it once the plugin is ready', async () => {
    const config = tmp.write('plugd.json', {
      plugins: [{ name: 'slow', command: ['node', `${FIXTURES}/slow-start.mjs`], env: { FIXTURE_START_DELAY_MS: '5000' } }],
    });
    const plugd = await startPlugd(['--port', '0', '-c', config, '--log-level', 'info']);
    const before = await http(plugd.url, '/alive');
    expect(before.status).toBe(503);
    expect(before.body).toEqual({ status: 'not initialized' });
    const early = await http(plugd.url, '/execute_action', { body: { action: { action: 'echo', args: { text: 'early bird' } } } });
    expect(early.status).toBe(200);
    expect(early.body).toEqual({ observation: 'echo', content: 'early bird', extras: {} });
    const after = await http(plugd.url, '/alive');
    expect(after.status).toBe(200);
    expect(await plugd.stop()).toEqual({ code: 0, signal: null });
  });
});
