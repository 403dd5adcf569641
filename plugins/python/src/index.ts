#!/usr/bin/env node
import * as z from 'zod';
import { defineAction, definePlugin, SerialQueue, workTimeoutMs } from '@plugd/sdk';
import { PythonKernel } from './kernel.js';
import { pythonCommand } from './interpreter.js';
import { cellObservation } from './observation.js';

/** IPythonRunCellAction args; unknown fields (thought, confirmation_state, ...) are allowed. */
const RunCellArgs = z.looseObject({
  code: z.string(),
  include_extra: z.boolean().nullish(),
  kernel_init_code: z.string().nullish(),
});

let kernel: PythonKernel | undefined;
let lastInitCode = '';
let cwd = process.cwd();
/** The shell directory last applied to the kernel: only a change is applied, so `os.chdir` in a cell sticks (as in OpenHands). */
let appliedShellCwd: string | undefined;
// One kernel: cells run one at a time even for a direct caller that sends them concurrently
// (plugd itself never does: concurrency 1).
const queue = new SerialQueue();

definePlugin({
  name: 'python',
  version: '0.1.0',
  concurrency: 1,
  initialize: async (ctx) => {
    if (typeof ctx.config['cwd'] === 'string') cwd = ctx.config['cwd'];
    kernel = new PythonKernel(pythonCommand(), cwd, process.env, (message) => ctx.log.warn(message));
    await kernel.start();
  },
  dispose: () => kernel?.kill(),
  actions: {
    run_ipython: defineAction({
      args: RunCellArgs,
      run: (args, ctx) =>
        queue.run(async () => {
          const active = (kernel ??= new PythonKernel(pythonCommand(), cwd, process.env));
          const wasAlive = active.alive;
          const init = args.kernel_init_code ?? '';
          if (init && (init !== lastInitCode || !wasAlive)) {
            // Once per interpreter (a restart loses it); its output is shown only if it fails.
            const initResult = await active.run(init, workTimeoutMs(ctx.action.timeout, ctx.deadline), ctx.deadline, ctx.signal);
            if (initResult.outcome !== 'done' || initResult.reply?.status !== 'ok') {
              const obs = cellObservation({ code: args.code, result: initResult, timeoutMs: 0, includeExtra: false, cwd, executable: '' });
              return { ...obs, content: `kernel_init_code failed:\n${obs.content}`, success: false };
            }
            lastInitCode = init;
          }
          const timeoutMs = workTimeoutMs(ctx.action.timeout, ctx.deadline);
          const follow = ctx.cwd && (ctx.cwd !== appliedShellCwd || !wasAlive) ? ctx.cwd : undefined;
          const result = await active.run(args.code, timeoutMs, ctx.deadline, ctx.signal, follow);
          if (follow) appliedShellCwd = follow;
          return cellObservation({
            code: args.code,
            result,
            timeoutMs,
            includeExtra: args.include_extra ?? true,
            cwd: active.info?.cwd ?? cwd,
            ...(ctx.cwd ? { shellCwd: ctx.cwd } : {}),
            executable: active.info?.executable ?? '',
          });
        }),
    }),
  },
});
