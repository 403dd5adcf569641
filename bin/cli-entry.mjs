import { statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The file bin/plugd runs from `binDir`: the CLI bundle (`pnpm build` writes it; it loads
 * faster and holds less memory) when it is at least as new as tsc's output of bin,
 * supervisor and protocol, else tsc's output, so a bundle left stale by a bare `tsc -b`
 * never runs.
 */
export function cliEntry(binDir) {
  const mtime = (path) => {
    try {
      return statSync(join(binDir, path)).mtimeMs;
    } catch {
      return undefined;
    }
  };
  const bundle = mtime('dist/bundle/main.mjs');
  const compiled = ['dist/.tsbuildinfo', '../supervisor/dist/.tsbuildinfo', '../protocol/dist/.tsbuildinfo'].map(mtime);
  const fresh = bundle !== undefined && compiled.every((t) => t === undefined || t <= bundle);
  return join(binDir, fresh ? 'dist/bundle/main.mjs' : 'dist/main.js');
}
