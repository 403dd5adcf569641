#!/usr/bin/env node
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineAction, definePlugin, workTimeoutMs } from '@plugd/sdk';

definePlugin({
  name: '{{name}}',
  version: '0.1.0',

  actions: {
    // {"action":"count","args":{"to":3}} -> "1 2 3"
    count: defineAction({
      // Bad args never reach `run`: plugd answers INVALID_ACTION naming the field ("args.to: ...").
      args: z.object({
        to: z.number().int().min(1).max(10_000),
        delayMs: z.number().int().min(0).max(60_000).default(100),
      }),
      run: async ({ to, delayMs }, ctx) => {
        // Stop early enough to answer with what is done before plugd's deadline (ACTION_TIMEOUT).
        const stopAt = Date.now() + workTimeoutMs(ctx.action.timeout, ctx.deadline);
        const counted: number[] = [];
        for (let n = 1; n <= to; n++) {
          if (n > 1 && delayMs > 0) {
            try {
              await sleep(Math.min(delayMs, Math.max(0, stopAt - Date.now())), undefined, { signal: ctx.signal });
            } catch {
              // ctx.signal fired: plugd cancelled the action ($/cancelRequest) or is stopping the plugin.
              return { observation: 'count', content: `cancelled after ${counted.join(' ')}`, extras: { counted: counted.length } };
            }
            if (Date.now() >= stopAt) {
              return { observation: 'count', content: `stopped at the deadline after ${counted.join(' ')}`, extras: { counted: counted.length } };
            }
          }
          counted.push(n);
          ctx.progress(`${n}\n`); // partial output; also tells plugd the action is alive
        }
        ctx.log.debug('counted', { to });
        return { observation: 'count', content: counted.join(' '), extras: { counted: counted.length } };
      },
    }),
  },
});
