#!/usr/bin/env node
import { z } from 'zod';
import { defineAction, definePlugin } from '@plugd/sdk';
import type { Observation } from '@plugd/sdk';
import { asObservation, invalid } from './errors.js';
import { Editor, EDITOR_COMMANDS } from './editor.js';
import type { EditorCommand } from './editor.js';
import { unifiedDiff } from './diff.js';
import { KeyedLock } from './lock.js';
import { readLines, resolvePath, writeLines } from './read-write.js';

const ViewRange = z.array(z.number().int()).nullish();

const ReadArgs = z.looseObject({
  path: z.string().min(1),
  start: z.number().int().default(0),
  end: z.number().int().default(-1),
  impl_source: z.string().nullish(),
  view_range: ViewRange,
});

const WriteArgs = z.looseObject({
  path: z.string().min(1),
  content: z.string().default(''),
  start: z.number().int().default(0),
  end: z.number().int().default(-1),
});

const EditArgs = z.looseObject({
  path: z.string().min(1),
  command: z.string().default(''),
  file_text: z.string().nullish(),
  old_str: z.string().nullish(),
  new_str: z.string().nullish(),
  insert_line: z.number().int().nullish(),
  view_range: ViewRange,
  content: z.string().nullish(),
  impl_source: z.string().nullish(),
});

let cwd = process.cwd();
let editor = new Editor(cwd);
const locks = new KeyedLock();

definePlugin({
  name: 'files',
  version: '0.1.0',
  concurrency: 8,
  // Reading twice changes nothing: plugd may run these again after a crash. Edits may not.
  idempotent: ['read', { action: 'edit', args: { command: ['view'] } }],
  initialize: (ctx) => {
    if (typeof ctx.config['cwd'] === 'string') cwd = ctx.config['cwd'];
    editor = new Editor(cwd);
  },
  actions: {
    read: defineAction({
      args: ReadArgs,
      run: (args) =>
        asObservation(args.path, async (): Promise<Observation> => {
          if (args.impl_source === 'oh_aci') {
            const path = editor.target(args.path);
            const result = await locks.run(path, () => editor.run({ command: 'view', path, view_range: args.view_range }));
            return { observation: 'read', content: result.output, extras: { path: args.path, impl_source: 'oh_aci' } };
          }
          const path = resolvePath(args.path, cwd);
          const content = await locks.run(path, () => readLines(path, args.start, args.end, cwd));
          return { observation: 'read', content, extras: { path, impl_source: args.impl_source ?? 'default' } };
        }),
    }),
    write: defineAction({
      args: WriteArgs,
      run: (args) =>
        asObservation(args.path, async (): Promise<Observation> => {
          const path = resolvePath(args.path, cwd);
          await locks.run(path, () => writeLines(path, args.content, args.start, args.end));
          return { observation: 'write', content: '', extras: { path } };
        }),
    }),
    edit: defineAction({
      args: EditArgs,
      run: (args) =>
        asObservation(args.path, async (): Promise<Observation> => {
          if (!(EDITOR_COMMANDS as readonly string[]).includes(args.command)) {
            throw invalid(
              `Unknown or missing editor command ${JSON.stringify(args.command)}: use one of ${EDITOR_COMMANDS.join(', ')} ` +
                '(e.g. {"command":"str_replace","path":"/abs/file","old_str":"...","new_str":"..."}).',
            );
          }
          const path = editor.target(args.path);
          const result = await locks.run(path, () => editor.run({ ...args, command: args.command as EditorCommand, path }));
          return {
            observation: 'edit',
            content: result.output,
            extras: {
              path: args.path,
              prev_exist: result.prevExist,
              old_content: args.old_str ?? null,
              new_content: args.new_str ?? null,
              impl_source: 'oh_aci',
              diff: unifiedDiff(result.oldText, result.newText, args.path),
            },
          };
        }),
    }),
  },
});
