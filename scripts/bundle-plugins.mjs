// Bundles each built-in plugin (plugins/<name>/dist/index.js, compiled by tsc) into one
// file, dist/plugin.mjs. Node 20 loads one file much faster than the ~150 ESM modules of
// the sdk, protocol, zod and vscode-jsonrpc, which is most of a plugin's start time;
// plugd runs the bundle when it exists (supervisor/src/config/builtins.ts).
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const plugins = fileURLToPath(new URL('../plugins/', import.meta.url));
// vscode-jsonrpc is CommonJS and requires node builtins: give the ESM bundle a `require`.
const banner = "import { createRequire as __plugdCreateRequire } from 'node:module'; const require = __plugdCreateRequire(import.meta.url);";

const names = readdirSync(plugins).filter((name) => existsSync(join(plugins, name, 'dist', 'index.js')));
await Promise.all(
  names.map((name) =>
    build({
      entryPoints: [join(plugins, name, 'dist', 'index.js')],
      outfile: join(plugins, name, 'dist', 'plugin.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      sourcemap: 'linked',
      banner: { js: banner },
      logLevel: 'warning',
      // a native addon: loaded from the plugin's node_modules at run time
      external: ['@lydell/node-pty'],
    }),
  ),
);
process.stdout.write(`bundled ${names.length} plugins: ${names.join(', ')}\n`);
