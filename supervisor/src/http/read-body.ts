import type { IncomingMessage } from 'node:http';
import { ErrorIds, errorObservation } from '@plugd/protocol';
import { HttpError } from './http-types.js';

/** Reads a JSON body of at most `maxBytes`; each failure is a 4xx with an INVALID_ACTION Observation. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes, req);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes, req);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw invalid('the request body is empty; send {"action": {...}} as JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`the request body is not JSON (${(error as Error).message}); send {"action": {...}} with content-type application/json`);
  }
}

function invalid(message: string): HttpError {
  return new HttpError(400, errorObservation(ErrorIds.INVALID_ACTION, message));
}

function tooLarge(maxBytes: number, req: IncomingMessage): HttpError {
  req.resume(); // drain, so the connection can answer
  return new HttpError(413, errorObservation(ErrorIds.INVALID_ACTION, `the request body is over the limit of ${maxBytes} bytes (server.maxBodyBytes)`));
}
