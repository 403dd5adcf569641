#!/usr/bin/env node
/**
 * Packs @plugd/sdk into a tarball that installs anywhere (npm, pnpm, yarn), with no
 * workspace: dependency left: the built @plugd/protocol goes inside the package
 * (dist/protocol/) and the SDK's imports of it become relative, in the JavaScript and in
 * the type declarations alike. Its own dependencies are the SDK's and the protocol's
 * npm ones (zod, vscode-jsonrpc). Needs `pnpm build` first.
 *
 *   node scripts/pack-sdk.mjs [OUT_DIR]      # prints the tarball's path
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PROTOCOL_IMPORT = /(['"])@plugd\/protocol\1/g;

/** Builds the package in a temp folder, runs `npm pack` there; returns the tarball's absolute path. */
export function packSdk(outDir = process.cwd(), repo = REPO) {
  const sdk = join(repo, 'sdk');
  const protocol = join(repo, 'protocol');
  for (const dir of [sdk, protocol]) {
    if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${dir}/dist is not built; run "pnpm build" first`);
  }
  const stage = mkdtempSync(join(tmpdir(), 'plugd-sdk-pack-'));
  try {
    copyBuilt(join(sdk, 'dist'), join(stage, 'dist'));
    copyBuilt(join(protocol, 'dist'), join(stage, 'dist', 'protocol'));
    for (const file of readdirSync(join(stage, 'dist'))) {
      if (!/\.(js|d\.ts)$/.test(file)) continue;
      const path = join(stage, 'dist', file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(PROTOCOL_IMPORT, '$1./protocol/index.js$1'));
    }
    cpSync(join(sdk, 'README.md'), join(stage, 'README.md'));
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(packageJson(sdk, protocol), null, 2)}\n`);
    mkdirSync(outDir, { recursive: true });
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', resolve(outDir)], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [{ filename }] = JSON.parse(out);
    return join(resolve(outDir), filename);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The published manifest: no `private`, no workspace: range, the protocol's npm deps merged in. */
function packageJson(sdk, protocol) {
  const own = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8'));
  const proto = JSON.parse(readFileSync(join(protocol, 'package.json'), 'utf8'));
  const dependencies = { ...proto.dependencies, ...own.dependencies };
  delete dependencies['@plugd/protocol'];
  for (const [name, range] of Object.entries(dependencies)) {
    if (String(range).startsWith('workspace:')) throw new Error(`@plugd/sdk depends on ${name}@${range}, which cannot be packed; bundle it as the protocol is`);
  }
  const { private: _private, devDependencies: _dev, scripts: _scripts, ...rest } = own;
  return {
    ...rest,
    description: 'Write plugd plugins in TypeScript: definePlugin, defineAction, the stdio protocol handled for you',
    keywords: ['plugd', 'plugin', 'json-rpc', 'openhands', 'agent'],
    engines: { node: '>=20.19' },
    dependencies,
  };
}

/** The built JavaScript and declarations; no source maps (they point at sources not shipped) or build info. */
function copyBuilt(from, to) {
  cpSync(from, to, {
    recursive: true,
    filter: (src) => statSync(src).isDirectory() || /\.(js|d\.ts)$/.test(src),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${packSdk(process.argv[2] ?? process.cwd())}\n`);
}
