#!/usr/bin/env node
import * as z from 'zod';
import { defineAction, definePlugin } from '@plugd/sdk';
import type { Observation } from '@plugd/sdk';
import { asObservation, invalid } from './errors.js';
import { Editor, EDITOR_COMMANDS } from './editor.js';
import type { EditorCommand, EditorResult } from './editor.js';
import { editorText } from './editor-text.js';
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
  // OpenHands' server converts a string insert_line itself
  insert_line: z.union([z.number().int(), z.string()]).nullish(),
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
      run: (args, ctx) =>
        asObservation(args.path, async (): Promise<Observation> => {
          const here = ctx.cwd ?? cwd;
          if (args.impl_source === 'oh_aci') {
            const content = await editorText(async () => {
              const path = editor.target(args.path, here);
              return (await locks.run(path, () => editor.run({ command: 'view', path, view_range: args.view_range }))).output;
            });
            return { observation: 'read', content, extras: { path: args.path, impl_source: 'oh_aci' } };
          }
          const path = resolvePath(args.path, here);
          const content = await locks.run(path, () => readLines(path, args.start, args.end, here));
          return { observation: 'read', content, extras: { path, impl_source: args.impl_source ?? 'default' } };
        }),
    }),
    write: defineAction({
      args: WriteArgs,
      run: (args, ctx) =>
        asObservation(args.path, async (): Promise<Observation> => {
          const path = resolvePath(args.path, ctx.cwd ?? cwd);
          await locks.run(path, () => writeLines(path, args.content, args.start, args.end));
          return { observation: 'write', content: '', extras: { path } };
        }),
    }),
    edit: defineAction({
      args: EditArgs,
      run: async (args, ctx) => {
        let result: EditorResult | undefined;
        const content = await editorText(async () => {
          if (!(EDITOR_COMMANDS as readonly string[]).includes(args.command)) {
            throw invalid(`Unrecognized command ${args.command}. The allowed commands for the oh_editor tool are: ${EDITOR_COMMANDS.join(', ')}`);
          }
          let insertLine = args.insert_line;
          if (typeof insertLine === 'string') {
            if (!/^\s*[-+]?\d+\s*$/.test(insertLine)) throw invalid(`Invalid insert_line value: '${insertLine}'. Expected an integer.`);
            insertLine = Number(insertLine);
          }
          const path = editor.target(args.path, ctx.cwd ?? cwd);
          result = await locks.run(path, () => editor.run({ ...args, insert_line: insertLine, command: args.command as EditorCommand, path }));
          return result.output;
        });
        // An editor error is an `edit` observation starting "ERROR:\n", as OpenHands' server answers.
        return {
          observation: 'edit',
          content,
          extras: {
            path: args.path,
            prev_exist: result?.prevExist ?? false,
            old_content: args.old_str ?? null,
            new_content: args.new_str ?? null,
            impl_source: 'oh_aci',
            diff: result ? unifiedDiff(result.oldText, result.newText, args.path) : '',
          },
        };
      },
    }),
  },
});
