#!/usr/bin/env node
import { z } from 'zod';
import { defineAction, definePlugin, ErrorIds, errorObservation, SerialQueue, workTimeoutMs } from '@plugd/sdk';
import { BashSession } from './session.js';
import { runObservation } from './observation.js';

/** CmdRunAction args; unknown fields (thought, is_static, security_risk, ...) are allowed. */
const RunArgs = z.looseObject({
  command: z.string(),
  is_input: z.boolean().nullish(),
  cwd: z.string().nullish(),
  blocking: z.boolean().nullish(),
  hidden: z.boolean().nullish(),
});

let session: BashSession | undefined;
let username = '';
// One bash session: commands run one at a time even for a direct caller that sends them
// concurrently (plugd itself never does: concurrency 1).
const queue = new SerialQueue();

definePlugin({
  name: 'shell',
  version: '0.1.0',
  concurrency: 1,
  initialize: (ctx) => {
    username = ctx.username;
    const cwd = typeof ctx.config['cwd'] === 'string' ? ctx.config['cwd'] : process.cwd();
    session = new BashSession(cwd, process.env);
  },
  dispose: () => session?.kill(),
  actions: {
    run: defineAction({
      args: RunArgs,
      run: (args, ctx) =>
        queue.run(async () => {
          if (args.is_input) {
            return errorObservation(
              ErrorIds.INVALID_ACTION,
              'No command is running in the shell, so there is nothing to send input to: every command finishes, or is ' +
                'interrupted at its timeout, before its observation is sent. Send the text as part of the command instead ' +
                "(e.g. `printf 'y\\n' | cmd`), and run long jobs in the background with output to a file.",
            );
          }
          const active = (session ??= new BashSession(process.cwd(), process.env));
          const timeoutMs = workTimeoutMs(ctx.action.timeout, ctx.deadline);
          const result = await active.run({
            command: args.command,
            cwd: args.cwd ?? null,
            timeoutMs,
            deadline: ctx.deadline,
            signal: ctx.signal,
            onOutput: (chunk) => ctx.progress(chunk),
          });
          return runObservation({
            command: args.command,
            hidden: args.hidden ?? false,
            result,
            timeoutMs,
            username,
            fallbackWorkingDir: active.lastWorkingDir,
          });
        }),
    }),
  },
});
