import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/**
 * The plugd checkout this code runs from: the nearest folder above this file that holds
 * bin/plugd. Searched, not counted in `..`s, because the same code runs from tsc's output
 * (supervisor/dist/config/) and from the CLI bundle (bin/dist/bundle/).
 */
export function checkoutRoot(): string {
  if (found !== undefined) return found;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'bin', 'plugd'))) return (found = dir);
    if (dirname(dir) === dir) break;
  }
  // not inside a checkout (copied elsewhere): tsc's layout, supervisor/dist/config -> root
  return (found = resolve(here, '..', '..', '..'));
}
