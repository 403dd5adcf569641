import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Route } from '../http-types.js';
import { readJsonBody } from '../read-body.js';
import { sendJson } from '../respond.js';

const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/**
 * POST /list_files {"path"} -> the names in that folder, folders first (with a trailing
 * `/`), each group sorted case-insensitively; `[]` for a missing path or a file, as
 * OpenHands' action server answers. A relative path is taken from the shell's directory.
 */
export const listFilesRoute: Route = {
  method: 'POST',
  path: '/list_files',
  async handle({ req, res, supervisor, maxBodyBytes }) {
    const body = await readJsonBody(req, maxBodyBytes).catch(() => ({}));
    const requested = typeof body === 'object' && body !== null && typeof (body as { path?: unknown }).path === 'string' ? (body as { path: string }).path : undefined;
    const base = supervisor.sessionCwd ?? process.cwd();
    const full = requested === undefined ? base : isAbsolute(requested) ? requested : join(base, requested);
    let names: string[];
    try {
      names = await readdir(full);
    } catch {
      sendJson(res, 200, []);
      return;
    }
    const dirs: string[] = [];
    const files: string[] = [];
    for (const name of names) {
      const info = await stat(join(full, name)).catch(() => undefined);
      if (!info) continue;
      if (info.isDirectory()) dirs.push(`${name}/`);
      else files.push(name);
    }
    sendJson(res, 200, [...dirs.sort(byName), ...files.sort(byName)]);
  },
};
