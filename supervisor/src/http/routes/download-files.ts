import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';

/** Regular files under `root` (symbolic links are not followed: they could lead anywhere). */
async function* regularFiles(root: string): AsyncGenerator<string> {
  const info = await lstat(root);
  if (info.isFile()) {
    yield root;
    return;
  }
  if (!info.isDirectory()) return;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) yield* regularFiles(path);
    else if (entry.isFile()) yield path;
  }
}

/** GET /download_files?path=/abs -> a zip of the folder (or the one file), streamed (OpenHands' action server). */
export const downloadFilesRoute: Route = {
  method: 'GET',
  path: '/download_files',
  async handle({ res, url }) {
    const path = url.searchParams.get('path') ?? '';
    if (!isAbsolute(path)) throw new HttpError(400, { detail: 'Path must be an absolute path' });
    const info = await lstat(path).catch(() => undefined);
    if (!info) throw new HttpError(404, { detail: 'File not found' });
    const base = info.isDirectory() ? path : join(path, '..');
    const { default: yazl } = await import('yazl'); // loaded with the first download (plugd at rest)
    const zip = new yazl.ZipFile();
    for await (const file of regularFiles(path)) zip.addReadStream(createReadStream(file), relative(base, file));
    zip.end();
    const name = `${basename(path) || 'root'}.zip`;
    res.writeHead(200, { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"` });
    zip.outputStream.on('error', () => res.destroy());
    zip.outputStream.pipe(res);
    await new Promise<void>((resolve) => res.once('close', () => resolve()));
  },
};
