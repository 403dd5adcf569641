#!/usr/bin/env node
import * as z from 'zod';
import { defineAction, definePlugin, SerialQueue } from '@plugd/sdk';
import { ShellController } from './controller.js';
import { RestartState } from './restart-state.js';
import { sweepStaleFiles } from './stale-files.js';

/** CmdRunAction args; unknown fields (thought, is_static, security_risk, ...) are allowed. */
const RunArgs = z.looseObject({
  command: z.string(),
  is_input: z.boolean().nullish(),
  cwd: z.string().nullish(),
  blocking: z.boolean().nullish(),
  hidden: z.boolean().nullish(),
});

/** NO_CHANGE_TIMEOUT_SECONDS as OpenHands reads it (env), default 30. */
function noChangeSeconds(): number {
  const value = Number(process.env['NO_CHANGE_TIMEOUT_SECONDS'] ?? '');
  return Number.isFinite(value) && value > 0 ? value : 30;
}

let controller: ShellController | undefined;
let state: RestartState | undefined;
// One terminal: actions run one at a time even for a direct caller that sends them
// concurrently (plugd itself never does: concurrency 1).
const queue = new SerialQueue();

definePlugin({
  name: 'shell',
  version: '0.2.0',
  concurrency: 1,
  initialize: (ctx) => {
    sweepStaleFiles();
    state = new RestartState(ctx.name);
    const previous = state.previous();
    const configured = typeof ctx.config['cwd'] === 'string' ? ctx.config['cwd'] : process.cwd();
    const cwd = previous?.cwd ?? configured;
    const saver = state;
    controller = new ShellController(cwd, process.env, ctx.username, noChangeSeconds(), (dir) => saver.save(dir));
    if (previous) controller.noteRestart(previous.why);
    state.save(cwd);
  },
  dispose: () => {
    controller?.kill();
    state?.clear();
  },
  actions: {
    run: defineAction({
      args: RunArgs,
      run: (args, ctx) =>
        queue.run(async () => {
          const shell = controller!;
          const command = args.cwd && !args.is_input && args.command.trim() !== '' ? `cd -- '${args.cwd.replace(/'/g, `'\\''`)}' && ${args.command}` : args.command;
          const obs = await shell.execute({
            command,
            isInput: args.is_input ?? false,
            blocking: args.blocking ?? false,
            hidden: args.hidden ?? false,
            ...(ctx.action.timeout ? { hardTimeoutSec: ctx.action.timeout } : {}),
            deadline: ctx.deadline,
            signal: ctx.signal,
            onOutput: (chunk) => ctx.progress(chunk),
          });
          if (command !== args.command && obs.observation === 'run') (obs.extras as Record<string, unknown>)['command'] = args.command;
          return obs;
        }),
    }),
  },
});
