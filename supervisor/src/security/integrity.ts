import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Checks the pinned sha256 of each file (go-plugin's SecureConfig, per file): the
 * message names the file, the expected and the actual digest; undefined when all match.
 * Read synchronously, right before the spawn, so nothing can change the file between
 * the check and the start but a racing writer (see docs/security.md).
 */
export function integrityMismatch(pins: Readonly<Record<string, string>>): string | undefined {
  for (const [file, expected] of Object.entries(pins)) {
    let actual: string;
    try {
      actual = createHash('sha256').update(readFileSync(file)).digest('hex');
    } catch (error) {
      return `integrity check failed: cannot read pinned file ${file} (${(error as NodeJS.ErrnoException).code ?? error}); not started`;
    }
    if (actual !== expected.toLowerCase()) {
      return `integrity check failed: sha256 of ${file} is ${actual}, the pin expects ${expected.toLowerCase()}; not started. If you changed the file on purpose, put the new digest in the plugin's "sha256"`;
    }
  }
  return undefined;
}
