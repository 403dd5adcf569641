/**
 * @plugd/sdk outside the workspace: `scripts/pack-sdk.mjs` packs it with no workspace:
 * leftovers, npm installs the tarball into an empty project (its npm dependencies from the
 * registry), its types check a plugin (and reject a wrong one), and the built plugin runs
 * under a real Supervisor.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, expect, it } from '@jest/globals';
import { tempDir } from '../helpers/plugd-process.js';
import { REPO_ROOT, errorId, harness } from '../helpers/supervision.js';
import type { Harness } from '../helpers/supervision.js';

const exec = promisify(execFile);
const tmp = tempDir('plugd-sdk-pack-');
let h: Harness | undefined;
afterEach(async () => {
  await h?.stopAndCheck();
  h = undefined;
});
afterAll(() => tmp.remove());

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const PLUGIN = `#!/usr/bin/env node
import { z } from 'zod';
import { defineAction, definePlugin, ErrorIds, errorObservation } from '@plugd/sdk';
import type { Observation } from '@plugd/sdk';

definePlugin({
  name: 'packed',
  version: '9.9.9',
  actions: {
    reverse: defineAction({
      args: z.object({ text: z.string().min(1) }),
      run: ({ text }, ctx): Observation => {
        ctx.progress('reversing');
        if (text === 'nope') return errorObservation(ErrorIds.PLUGIN_ERROR, 'refused');
        return { observation: 'reverse', content: [...text].reverse().join(''), extras: {} };
      },
    }),
  },
});
`;

/** A handler that uses its args as the wrong type: the SDK's types must catch it. */
const WRONG = `import { z } from 'zod';
import { defineAction } from '@plugd/sdk';
export const bad = defineAction({ args: z.object({ text: z.string() }), run: ({ text }) => ({ observation: 'x', content: text.toFixed(2), extras: {} }) });
`;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

it('packs, installs with npm into an empty project, type-checks and runs under plugd', async () => {
  const { stdout } = await exec(process.execPath, [join(REPO_ROOT, 'scripts', 'pack-sdk.mjs'), tmp.dir], { timeout: 120_000 });
  const tarball = stdout.trim();
  expect(tarball).toMatch(/plugd-sdk-\d+\.\d+\.\d+\.tgz$/);

  // What the tarball holds: no workspace range, no reference to the unpublished protocol package.
  const unpacked = tmp.path('unpacked');
  mkdirSync(unpacked);
  await exec('tar', ['xzf', tarball, '-C', unpacked]);
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8'));
  expect(manifest.private).toBeUndefined();
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['vscode-jsonrpc', 'zod']);
  for (const file of allFiles(join(unpacked, 'package'))) {
    const text = readFileSync(file, 'utf8');
    expect({ file, workspace: text.includes('workspace:') }).toEqual({ file, workspace: false });
    if (!file.endsWith('README.md')) expect({ file, protocol: text.includes('@plugd/protocol') }).toEqual({ file, protocol: false });
  }

  // An empty project outside the workspace, installed with npm from the tarball.
  const project = tmp.path('project');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'packed-plugin', version: '1.0.0', private: true, type: 'module' }));
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'zod@4.6.7'], { cwd: project, timeout: 300_000 });
  expect(readdirSync(join(project, 'node_modules', '@plugd'))).toEqual(['sdk']);

  const tsconfig = {
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'dist', rootDir: 'src',
      types: ['node'], typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
    },
    include: ['src/**/*.ts'],
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  // One compile: tsc still emits with type errors, so the wrong handler is caught and the plugin built.
  writeFileSync(join(project, 'src', 'wrong.ts'), WRONG);
  writeFileSync(join(project, 'src', 'index.ts'), PLUGIN);
  const built = await exec(process.execPath, [TSC, '-p', project], { cwd: project, timeout: 120_000 }).catch((e: { stdout: string }) => e);
  const errors = built.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^src\/wrong\.ts.*Property 'toFixed' does not exist on type 'string'/);

  h = harness([{ name: 'packed', command: ['node', join(project, 'dist', 'index.js')] }]);
  await h.supervisor.start();
  expect(h.status('packed')).toMatchObject({ state: 'ready', version: '9.9.9' });
  expect(await h.run('reverse', { text: 'plugd' })).toEqual({ observation: 'reverse', content: 'dgulp', extras: {} });
  const bad = await h.run('reverse', { text: '' });
  expect(errorId(bad)).toBe('INVALID_ACTION');
  expect(bad.content).toContain('args.text');
  expect(errorId(await h.run('reverse', { text: 'nope' }))).toBe('PLUGIN_ERROR');
}, 600_000);
