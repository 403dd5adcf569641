import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type busboy from 'busboy';
import { HttpError } from '../http-types.js';

export interface ReceivedFile {
  /** The client's file name (a bare name, checked). */
  readonly filename: string;
  /** Where its bytes are: a hidden temporary file inside the destination folder. */
  readonly tempPath: string;
  readonly size: number;
}

const detail = (status: number, text: string) => new HttpError(status, { detail: text });

/** A client's file name is used as a name inside the destination: never a path. */
export function checkFilename(name: string | undefined): string {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw detail(400, `the uploaded file name ${JSON.stringify(name ?? '')} is not a plain file name (no "/", "\\", "..", or empty name); rename the file and upload it again`);
  }
  return name;
}

/**
 * Streams the multipart field `file` of `req` into a hidden temporary file inside
 * `dir`, at most `maxBytes` bytes. On any failure (limit, bad form, aborted client) the
 * temporary file is removed: nothing partial is left behind.
 */
export async function receiveUpload(req: IncomingMessage, dir: string, maxBytes: number): Promise<ReceivedFile> {
  // loaded with the first upload (plugd at rest); the request waits, paused, meanwhile
  const { default: parse } = await import('busboy');
  return new Promise<ReceivedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = parse({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, parts: 40 } });
    } catch (error) {
      reject(detail(400, `the body is not multipart/form-data (${(error as Error).message}); send the file as the form field "file"`));
      return;
    }
    const tempPath = join(dir, `.plugd-upload-${randomBytes(6).toString('hex')}`);
    let settled = false;
    let writing: Promise<ReceivedFile> | undefined;
    const fail = (error: HttpError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      void rm(tempPath, { force: true }).finally(() => reject(error));
    };
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || writing) {
        stream.resume();
        return;
      }
      let filename: string;
      try {
        filename = checkFilename(info.filename);
      } catch (error) {
        stream.resume();
        fail(error as HttpError);
        return;
      }
      const out = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
      let size = 0;
      writing = new Promise<ReceivedFile>((done, broken) => {
        stream.on('data', (chunk: Buffer) => (size += chunk.length));
        stream.on('limit', () => broken(detail(413, `the uploaded file is over the limit of ${maxBytes} bytes (server.maxUploadBytes)`)));
        out.on('error', (error) => broken(detail(500, `could not write the upload into ${dir}: ${error.message}`)));
        out.on('finish', () => done({ filename, tempPath, size }));
        stream.pipe(out);
      });
      writing.catch((error: HttpError) => {
        stream.unpipe(out);
        out.destroy();
        stream.resume();
        fail(error);
      });
    });
    parser.on('error', (error: Error) => fail(detail(400, `bad multipart body: ${error.message}`)));
    parser.on('filesLimit', () => undefined);
    parser.on('close', () => {
      if (settled) return;
      if (!writing) {
        fail(detail(400, 'no form field "file" in the body; send the file as multipart/form-data field "file"'));
        return;
      }
      writing.then(
        (file) => {
          if (settled) return;
          settled = true;
          resolve(file);
        },
        () => undefined,
      );
    });
    req.on('aborted', () => fail(detail(400, 'the client aborted the upload')));
    req.pipe(parser);
  });
}
