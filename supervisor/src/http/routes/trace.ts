import { TraceLevelSchema } from '@plugd/protocol';
import * as z from 'zod';
import { isPlugdError } from '../../errors.js';
import { HttpError } from '../http-types.js';
import type { Route } from '../http-types.js';
import { sendJson } from '../respond.js';

const MAX_BODY_BYTES = 64 * 1024;

const SetTraceBodySchema = z.strictObject({
  level: TraceLevelSchema,
  plugin: z.string().min(1).optional(),
});

/** GET /trace: every plugin's trace level and trace file. */
export const getTraceRoute: Route = {
  method: 'GET',
  path: '/trace',
  handle({ res, supervisor }) {
    sendJson(res, 200, traceState(supervisor));
  },
};

/**
 * PUT /trace {"level": "off"|"messages"|"verbose", "plugin"?: name}: changes the trace
 * level of one plugin (or all) at run time, without a restart; answers like GET /trace.
 */
export const setTraceRoute: Route = {
  method: 'PUT',
  path: '/trace',
  async handle({ req, res, supervisor }) {
    const body = await readBody(req);
    const parsed = SetTraceBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpError(400, { detail: `the body must be {"level": "off"|"messages"|"verbose", "plugin"?: "<name>"}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}` });
    }
    try {
      supervisor.setTraceLevel(parsed.data.level, parsed.data.plugin);
    } catch (error) {
      if (isPlugdError(error, 'PLUGIN_NOT_FOUND')) throw new HttpError(404, { detail: error.message });
      throw error;
    }
    supervisor.logger.info({ traceLevel: parsed.data.level, plugin: parsed.data.plugin ?? '*' }, `trace level set to ${parsed.data.level} for ${parsed.data.plugin ?? 'every plugin'}`);
    sendJson(res, 200, traceState(supervisor));
  },
};

function traceState(supervisor: Parameters<Route['handle']>[0]['supervisor']): { plugins: { name: string; level: string; file: string | null }[] } {
  const levels = supervisor.trace.allLevels();
  return { plugins: Object.entries(levels).map(([name, level]) => ({ name, level, file: supervisor.trace.file(name) ?? null })) };
}

async function readBody(req: AsyncIterable<Buffer> & { headers: Record<string, unknown>; resume(): void }): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw new HttpError(413, { detail: `the body is over ${MAX_BODY_BYTES} bytes` });
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, { detail: 'the body is not JSON; send {"level": "messages"} with content-type application/json' });
  }
}
