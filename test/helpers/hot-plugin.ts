/**
 * Hot-reload test helpers: a small SDK plugin written into a temp folder (no
 * node_modules there, so '@plugd/sdk' and 'zod' are imported by absolute file URL),
 * and waiting on Supervisor events instead of sleeping.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventEmitter } from 'node:events';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SDK_URL = pathToFileURL(join(ROOT, 'sdk/dist/index.js')).href;
export const ZOD_URL = pathToFileURL(join(realpathSync(join(ROOT, 'sdk/node_modules/zod')), 'index.js')).href;

export interface HotPluginSource {
  readonly version: string;
  /** Extra action types beside `version` (each answers its own name). */
  readonly extraActions?: readonly string[];
  /** Code run at module top level before definePlugin (e.g. a crash, or a hang). */
  readonly prelude?: string;
  /** Appended verbatim: a syntax error, for instance. */
  readonly trailer?: string;
  /** Each `version` action appends "<version>|<id>" to this file before it runs (what the plugin side received). */
  readonly receivedFile?: string;
}

/**
 * The plugin: action `version` {id?, ms?} waits `ms` then answers content
 * "<version>|<id>"; concurrency 64.
 */
export function hotPluginSource(src: HotPluginSource): string {
  const extras = (src.extraActions ?? [])
    .map((type) => `    ${JSON.stringify(type)}: defineAction({ args: z.object({}), run: () => ({ observation: ${JSON.stringify(type)}, content: VERSION, extras: {} }) }),`)
    .join('\n');
  const record = src.receivedFile ? `appendFileSync(${JSON.stringify(src.receivedFile)}, VERSION + '|' + (args.id ?? '') + '\\n');` : '';
  return `import { appendFileSync } from 'node:fs';
import { defineAction, definePlugin } from ${JSON.stringify(SDK_URL)};
import { z } from ${JSON.stringify(ZOD_URL)};
const VERSION = ${JSON.stringify(src.version)};
${src.prelude ?? ''}
definePlugin({
  name: 'hot',
  version: VERSION,
  concurrency: 64,
  actions: {
    version: defineAction({
      args: z.object({ id: z.number().optional(), ms: z.number().optional() }),
      run: async (args) => {
        ${record}
        if (args.ms) await new Promise((resolve) => setTimeout(resolve, args.ms));
        return { observation: 'version', content: VERSION + '|' + (args.id ?? ''), extras: {} };
      },
    }),
${extras}
  },
});
${src.trailer ?? ''}
`;
}

export async function makeTempDir(prefix = 'plugd-reload-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function writePlugin(file: string, src: HotPluginSource): Promise<void> {
  await writeFile(file, hotPluginSource(src));
}

/** An editor's atomic save: write a sibling temp file, then rename it over the target. */
export async function atomicWritePlugin(file: string, src: HotPluginSource, tempName = `${file}.${process.pid}${Date.now() % 100000}`): Promise<void> {
  await writeFile(tempName, hotPluginSource(src));
  await rename(tempName, file);
}

/** Resolves with the first `event` payload that satisfies `match`; rejects after `ms`. */
export function nextEvent<T>(emitter: EventEmitter<any>, event: string, match: (payload: T) => boolean = () => true, ms = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${event}" event matching within ${ms} ms`));
    }, ms);
    function listener(payload: T): void {
      if (!match(payload)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(payload);
    }
    emitter.on(event, listener);
  });
}

/** Records every payload of the given events, in order, until `dispose()`. */
export function recordEvents(emitter: EventEmitter<any>, events: readonly string[]): { readonly log: { event: string; payload: any }[]; dispose(): void } {
  const log: { event: string; payload: any }[] = [];
  const listeners = events.map((event) => {
    const listener = (payload: unknown): void => void log.push({ event, payload });
    emitter.on(event, listener);
    return [event, listener] as const;
  });
  return { log, dispose: () => listeners.forEach(([event, listener]) => emitter.off(event, listener)) };
}
