import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import { HttpError } from '../http-types.js';

export interface UnzipLimits {
  /** Most bytes all entries may expand to together (zip bombs stop here, counted as they inflate). */
  readonly maxTotalBytes: number;
  readonly maxEntries: number;
}

const bad = (text: string) => new HttpError(400, { detail: text });

/** An entry name that stays inside the destination, or an error naming it (zip-slip). */
export function safeEntryPath(name: string): string {
  const clean = normalize(name.replace(/\\/g, '/'));
  if (name.includes('\0') || isAbsolute(name) || /^[a-zA-Z]:/.test(name) || clean === '..' || clean.startsWith(`..${sep}`) || clean.split(sep).includes('..')) {
    throw bad(`the zip entry ${JSON.stringify(name)} points outside the destination; nothing was extracted`);
  }
  return clean;
}

function isSymlink(entry: Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
}

/** yauzl loads with the first zip upload, not with every plugd. */
async function openZip(path: string): Promise<ZipFile> {
  const { default: yauzl } = await import('yauzl');
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: true, validateEntrySizes: true }, (error, zip) =>
      error ? reject(bad(`the upload is not a readable zip file: ${error.message}`)) : resolve(zip),
    ),
  );
}

/**
 * Extracts `zipPath` into `dest` all or nothing: entries go to a hidden staging folder
 * inside `dest` first; an entry leaving the destination, a symlink, too many entries or
 * too many bytes (counted while inflating, not trusted from headers) aborts and removes
 * the staging folder. On success the files are moved into `dest`, never through a
 * symlink that points out of it.
 */
export async function safeUnzip(zipPath: string, dest: string, limits: UnzipLimits): Promise<number> {
  const stage = join(dest, `.plugd-unzip-${randomBytes(6).toString('hex')}`);
  await mkdir(stage, { mode: 0o700 });
  try {
    const files = await extractAll(zipPath, stage, limits);
    await moveInto(stage, dest);
    return files;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function extractAll(zipPath: string, stage: string, limits: UnzipLimits): Promise<number> {
  const zip = await openZip(zipPath);
  let total = 0;
  let entries = 0;
  let files = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) => reject(error instanceof HttpError ? error : bad(`the zip file is damaged: ${error.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        void (async () => {
          entries++;
          if (entries > limits.maxEntries) throw bad(`the zip has more than ${limits.maxEntries} entries; nothing was extracted`);
          const rel = safeEntryPath(entry.fileName);
          if (isSymlink(entry)) throw bad(`the zip entry ${JSON.stringify(entry.fileName)} is a symbolic link; nothing was extracted`);
          const target = join(stage, rel);
          if (entry.fileName.endsWith('/')) {
            await mkdir(target, { recursive: true });
            zip.readEntry();
            return;
          }
          if (total + entry.uncompressedSize > limits.maxTotalBytes) {
            throw bad(`the zip expands to more than ${limits.maxTotalBytes} bytes (server.maxUploadBytes); nothing was extracted`);
          }
          await mkdir(dirname(target), { recursive: true });
          const input = await new Promise<NodeJS.ReadableStream>((ok, no) => zip.openReadStream(entry, (e, s) => (e ? no(bad(`cannot read zip entry ${entry.fileName}: ${e.message}`)) : ok(s))));
          const counter = new Transform({
            transform(chunk: Buffer, _enc, next) {
              total += chunk.length;
              if (total > limits.maxTotalBytes) next(bad(`the zip expands to more than ${limits.maxTotalBytes} bytes (server.maxUploadBytes); nothing was extracted`));
              else next(null, chunk);
            },
          });
          await pipeline(input, counter, createWriteStream(target, { flags: 'w', mode: 0o644 }));
          files++;
          zip.readEntry();
        })().catch((error: unknown) => {
          zip.close();
          reject(error instanceof HttpError ? error : bad(`could not extract ${entry.fileName}: ${(error as Error).message}`));
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return files;
}

/** The real location of `path`'s nearest existing ancestor (symlinks resolved). */
async function realAncestor(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    try {
      return await realpath(p);
    } catch {
      if (dirname(p) === p) return p;
    }
  }
}

/** Moves every file of `from` to the same place under `dest` (overwriting, as unpack_archive does). */
async function moveInto(from: string, dest: string): Promise<void> {
  const root = await realpath(dest);
  const inside = async (path: string, name: string) => {
    const real = await realAncestor(path);
    if (real !== root && !real.startsWith(root + sep)) {
      throw bad(`the zip entry ${name} would be written through a symbolic link out of ${dest}; stopped`);
    }
  };
  const walk = async (dir: string): Promise<void> => {
    for (const item of await readdir(dir, { withFileTypes: true })) {
      const source = join(dir, item.name);
      const target = join(dest, relative(from, source));
      if (item.isDirectory()) {
        await inside(target, relative(from, source));
        await mkdir(target, { recursive: true });
        await walk(source);
        continue;
      }
      await inside(dirname(target), relative(from, source));
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isSymbolicLink() || existing?.isDirectory()) await rm(target, { recursive: true, force: true });
      await rename(source, target);
    }
  };
  await walk(from);
}
