import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';
import { receiveUpload } from '../files/receive-upload.js';
import { safeUnzip } from '../files/safe-unzip.js';
import { sendJson } from '../respond.js';

/** FastAPI's bool query parsing, as OpenHands' server reads `recursive`. */
function queryBool(value: string | null): boolean {
  return value !== null && ['1', 'true', 'on', 'yes', 't', 'y'].includes(value.toLowerCase());
}

/**
 * POST /upload_file?destination=/abs/dir&recursive=bool, multipart field `file`
 * (OpenHands' action server): the file lands in `destination`; a `.zip` (and every
 * `recursive` upload, which must be one) is unpacked there instead. Streamed to disk
 * under server.maxUploadBytes; nothing partial is left behind on failure.
 */
export const uploadFileRoute: Route = {
  method: 'POST',
  path: '/upload_file',
  async handle({ req, res, supervisor, url }) {
    const destination = url.searchParams.get('destination') ?? '/';
    const recursive = queryBool(url.searchParams.get('recursive'));
    if (!isAbsolute(destination)) {
      req.resume();
      throw new HttpError(400, { detail: 'Destination must be an absolute path' });
    }
    const maxBytes = supervisor.config.server.maxUploadBytes;
    try {
      await mkdir(destination, { recursive: true });
    } catch (error) {
      req.resume();
      throw new HttpError(400, { detail: `cannot create the destination ${destination}: ${(error as Error).message}` });
    }
    const file = await receiveUpload(req, destination, maxBytes);
    try {
      if (recursive || file.filename.endsWith('.zip')) {
        if (!file.filename.endsWith('.zip')) throw new HttpError(400, { detail: 'Recursive uploads must be zip files' });
        await safeUnzip(file.tempPath, destination, { maxTotalBytes: maxBytes, maxEntries: 100_000 });
      } else {
        const target = join(destination, file.filename);
        if ((await stat(target).catch(() => undefined))?.isDirectory()) {
          throw new HttpError(400, { detail: `${target} is a directory; upload the file under another name or into another destination` });
        }
        await rename(file.tempPath, target);
      }
    } finally {
      await rm(file.tempPath, { force: true });
    }
    sendJson(res, 200, { filename: file.filename, destination, recursive });
  },
};
