import { UsageError } from './usage-error.js';

export const DEFAULT_URL = 'http://127.0.0.1:8765';

/** Calls a running `plugd start`; connection failures are usage errors saying how to fix them. */
export async function callApi(base: string, method: 'GET' | 'POST' | 'PUT', path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  const key = process.env['SESSION_API_KEY'];
  if (key) headers['X-Session-API-Key'] = key;
  if (json !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(path, base), { method, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  } catch (error) {
    throw new UsageError(`cannot reach plugd at ${base} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); is 'plugd start' running? Use --url to point at it`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (response.status === 403) throw new UsageError(`plugd at ${base} refused the API key; set SESSION_API_KEY to the key it was started with`);
  return { status: response.status, body };
}
