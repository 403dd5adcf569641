// Finds a module another engineer may or may not have written yet (e.g. soak.*).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH = fileURLToPath(new URL('..', import.meta.url));

/** Imports test/bench/<stem>.{mjs,js} if present; undefined otherwise. */
export async function importOptional(stem) {
  for (const ext of ['mjs', 'js']) {
    const file = `${BENCH}${stem}.${ext}`;
    if (existsSync(file)) return { file: `test/bench/${stem}.${ext}`, module: await import(pathToFileURL(file).href) };
  }
  for (const ext of ['ts', 'mts']) {
    if (existsSync(`${BENCH}${stem}.${ext}`)) return { file: `test/bench/${stem}.${ext}`, module: undefined, why: `test/bench/${stem}.${ext} is TypeScript and the bench runs plain Node (no compile step for it yet)` };
  }
  return undefined;
}
