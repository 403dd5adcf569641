#!/usr/bin/env node
import * as z from 'zod';
import { defineAction, definePlugin } from '@plugd/sdk';

/** The smallest useful plugin: answers `echo` with its text. Also the reference for plugin authors. */
definePlugin({
  name: 'echo',
  version: '1.0.0',
  concurrency: 64,
  actions: {
    echo: defineAction({
      args: z.object({ text: z.string().default('') }),
      run: (args) => ({ observation: 'echo', content: args.text, extras: {} }),
    }),
  },
});
