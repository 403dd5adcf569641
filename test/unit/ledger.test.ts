import { describe, expect, it } from '@jest/globals';
import { ActionLedger } from '../helpers/ledger.js';

describe('ActionLedger (the exactly-once check of the chaos and reload tests)', () => {
  it('names an action run twice, an ok never received, one never sent, and one never answered', async () => {
    const ledger = new ActionLedger();
    for (const key of ['a', 'b', 'c', 'd']) ledger.sent(key);
    ledger.answered('a', 'ok');
    ledger.answered('b', 'ok');
    ledger.answered('c', 'PLUGIN_CRASHED');
    expect(ledger.problems(['a', 'a', 'c', 'zz'])).toEqual([
      'action d was never answered',
      'action a ran 2 times on the plugin side',
      'action b was answered ok but no plugin received it',
      'the plugins received action zz, which was never sent',
    ]);
    await expect(ledger.settle(new Promise(() => undefined), 10)).rejects.toThrow('1 action(s) still unanswered after 10 ms: d');
  });
});
