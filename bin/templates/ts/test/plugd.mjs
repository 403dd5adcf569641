// The plugd command the tests run: $PLUGD if set, else `plugd` on PATH, else the plugd
// that generated this project.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(program) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export const PLUGD = process.env.PLUGD || onPath('plugd') || {{plugdBin}};
