// Bundles the CLI (bin/dist/main.js, compiled by tsc, with the supervisor, protocol and
// their dependencies) into bin/dist/bundle/main.mjs. Node 20 loads one file with less
// memory and time than the few hundred ESM and CommonJS modules it replaces, and esbuild
// keeps only the parts of each dependency that plugd uses (plugd at rest, docs/performance.md).
// Modules plugd imports lazily (the MCP SDK, yauzl, prom-client...) become separate chunks,
// still loaded only when first used. bin/plugd runs the bundle when it is at least as new
// as tsc's output, else tsc's output.
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const bin = fileURLToPath(new URL('../bin/', import.meta.url));
const outdir = `${bin}dist/bundle`;
// CommonJS dependencies (vscode-jsonrpc, busboy...) require node builtins: give the ESM bundle a `require`.
const banner = "import { createRequire as __plugdCreateRequire } from 'node:module'; const require = __plugdCreateRequire(import.meta.url);";

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: `${bin}dist/main.js` },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Whitespace and syntax only: names stay, so logged errors keep their class ("type"
  // in pino's err serializer) and stack traces their function names (0.7 MiB more than
  // renaming them too). `node --enable-source-maps bin/plugd` maps frames to the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  banner: { js: banner },
  logLevel: 'warning',
  // loaded with createRequire for a terminal's logs (bin/src/create-logger.ts), from
  // bin/node_modules; plugd uses no pino transport (a worker thread loading files by
  // path from pino's package, which a bundle does not keep)
  external: ['pino-pretty'],
});
// The Node gate is run by plugins, not imported: plugd finds it next to the module that
// names it (supervisor/src/containment/node-gate-launch.ts), here a file of this folder.
copyFileSync(fileURLToPath(new URL('../supervisor/dist/containment/node-gate.cjs', import.meta.url)), `${outdir}/node-gate.cjs`);
process.stdout.write('bundled the CLI: bin/dist/bundle/main.mjs\n');
