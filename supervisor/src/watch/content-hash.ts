import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** sha256 of a file's bytes; undefined when it is gone or unreadable (a folder, no permission). */
export async function hashFile(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * The last known content hash of every watched file. `peek` hashes paths now, `apply`
 * records such hashes and answers the paths whose content really changed (created,
 * deleted or edited): a save that writes the same bytes, or a temp file that came and
 * went, changes nothing.
 */
export class ContentHashes {
  private readonly hashes = new Map<string, string>();

  get size(): number {
    return this.hashes.size;
  }

  /** The recorded hash of `path` (undefined: absent, or never seen). */
  get(path: string): string | undefined {
    return this.hashes.get(path);
  }

  /** Hashes `paths` now without recording anything (undefined: absent). */
  async peek(paths: Iterable<string>): Promise<Map<string, string | undefined>> {
    const list = [...paths];
    const hashes = await Promise.all(list.map((path) => hashFile(path)));
    return new Map(list.map((path, i) => [path, hashes[i]]));
  }

  /** Records the current content as the baseline (initial scan). */
  async record(path: string): Promise<void> {
    const hash = await hashFile(path);
    if (hash === undefined) this.hashes.delete(path);
    else this.hashes.set(path, hash);
  }

  /** Records `now` (from peek) and answers the paths whose hash changed, sorted. */
  apply(now: ReadonlyMap<string, string | undefined>): string[] {
    const changed: string[] = [];
    for (const [path, after] of now) {
      if (this.hashes.get(path) !== after) changed.push(path);
      if (after === undefined) this.hashes.delete(path);
      else this.hashes.set(path, after);
    }
    return changed.sort();
  }

  /** Re-hashes `paths` and records them: the paths whose content changed, sorted. */
  async update(paths: Iterable<string>): Promise<string[]> {
    return this.apply(await this.peek(paths));
  }
}
