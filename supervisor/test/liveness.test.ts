import { describe, expect, it } from '@jest/globals';
import { Liveness } from '@plugd/supervisor';

const never = (): Promise<unknown> => new Promise(() => undefined);

describe('Liveness', () => {
  it('declares a plugin hung after `misses` checks with its ping unanswered and no message from it', () => {
    let pings = 0;
    let hung: string | undefined;
    const liveness = new Liveness(1000, 3, () => {
      pings += 1;
      return never();
    }, (detail) => (hung = detail));
    liveness.check(); // sends the ping
    liveness.check();
    liveness.check();
    expect(hung).toBeUndefined();
    liveness.check();
    expect(hung).toMatch(/answered none of 3 pings in a row \(every 1000 ms\)/);
    expect(pings).toBe(1); // one ping outstanding at a time
  });

  it('keeps a plugin that sends other messages (progress) alive while its ping is unanswered', () => {
    let hung = false;
    const liveness = new Liveness(1000, 2, never, () => (hung = true));
    for (let i = 0; i < 20; i++) {
      liveness.sawActivity();
      liveness.check();
    }
    expect(hung).toBe(false);
    liveness.check();
    liveness.check();
    expect(hung).toBe(true);
  });

  it('pings again once the previous ping was answered, on its own timer', async () => {
    let pings = 0;
    await new Promise<void>((resolve) => {
      const liveness = new Liveness(5, 2, async () => {
        pings += 1;
        if (pings === 4) {
          liveness.stop();
          resolve();
        }
      }, () => undefined);
      liveness.start();
    });
    expect(pings).toBe(4);
  });
});
