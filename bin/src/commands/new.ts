import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { oneOf, parseFlags } from '../parse-flags.js';
import { checkPluginName, checkTargetDir } from '../scaffold/check-target.js';
import { LOCATIONS } from '../scaffold/locations.js';
import { renderTemplate } from '../scaffold/render-template.js';
import { sdkDependency } from '../scaffold/sdk-dependency.js';
import { UsageError } from '../usage-error.js';

export const NEW_HELP = `Usage: plugd new NAME [--lang ts|python] [--dir DIR] [--sdk vendor|registry|PATH]

Writes a plugin project: one example action (args checked, progress, cancellation),
a test that runs it under plugd, a plugd.json and a README. Its own install and test
pass as written:
  ts:      cd NAME && npm install && npm test
  python:  cd NAME && python3 -m unittest        (the SDK is one file, copied in)

  --lang L     ts (default) or python
  --dir DIR    where to write it (default ./NAME); must be absent or empty
  --sdk S      ts only: where @plugd/sdk comes from. vendor (default): this plugd's SDK
               packed into DIR/vendor/; registry: "^<version>" from npm; or a path to a
               packed @plugd/sdk .tgz
NAME: lowercase letters, digits and "-"; the npm package is plugd-plugin-NAME.`;

const LANGS = ['ts', 'python'] as const;

export async function newCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('new', args, {
    lang: { type: 'string' },
    dir: { type: 'string' },
    sdk: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${NEW_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`new takes one plugin name, e.g. 'plugd new word-count --lang python'`);
  const name = positionals[0]!;
  checkPluginName(name);
  const lang = oneOf(values.lang, LANGS, '--lang') ?? 'ts';
  if (values.sdk !== undefined && lang !== 'ts') throw new UsageError('--sdk is for --lang ts; a Python plugin gets plugd_sdk.py copied in');
  const dir = resolve(values.dir ?? name);
  checkTargetDir(dir);

  const created = !existsSync(dir);
  try {
    const fill = { name, plugdBin: JSON.stringify(LOCATIONS.plugdBin) };
    if (lang === 'ts') {
      const sdk = await sdkDependency(values.sdk, dir);
      renderTemplate(join(LOCATIONS.templates, 'ts'), dir, { ...fill, sdk });
    } else {
      renderTemplate(join(LOCATIONS.templates, 'python'), dir, fill);
      copyFileSync(LOCATIONS.pythonSdk, join(dir, 'plugd_sdk.py'));
    }
  } catch (error) {
    // Nothing half-written is left behind: remove what this run wrote.
    if (created) rmSync(dir, { recursive: true, force: true });
    else for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true }); // it was empty
    throw error;
  }

  const where = relative(process.cwd(), dir) || '.';
  const steps = lang === 'ts' ? `cd ${where} && npm install && npm test` : `cd ${where} && python3 -m unittest`;
  process.stdout.write(`Wrote ${lang === 'ts' ? 'TypeScript' : 'Python'} plugin "${name}" in ${where}
Next:  ${steps}
Run:   plugd dev ${where}     (hot reload, traces, HTTP API on 127.0.0.1:8765)
`);
  return 0;
}
