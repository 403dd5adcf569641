import { TraceLevelSchema } from '@plugd/protocol';
import { DEFAULT_URL, callApi } from '../api-client.js';
import { formatTable } from '../format-table.js';
import { oneOf, parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const TRACE_LEVEL_HELP = `Usage: plugd trace-level [LEVEL] [--plugin NAME] [--url URL]

Changes the stdio trace level of a running 'plugd start' at once, without restarting
any plugin: for every plugin, or only NAME. Without LEVEL, prints each plugin's level.

  LEVEL          off, messages (direction, method, id, duration, size) or
                 verbose (messages plus params and results, secrets redacted)
  --plugin NAME  only this plugin
  --url URL      where plugd listens (default ${DEFAULT_URL}); the API key comes from SESSION_API_KEY

Example: plugd trace-level verbose --plugin shell`;

export async function traceLevelCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('trace-level', args, { plugin: { type: 'string' }, url: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${TRACE_LEVEL_HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`trace-level takes one level (off, messages, verbose), e.g. 'plugd trace-level messages'`);
  const level = oneOf(positionals[0], TraceLevelSchema.options, 'the level');
  if (!level && values.plugin) throw new UsageError(`give a level with --plugin, e.g. 'plugd trace-level verbose --plugin ${values.plugin}'`);
  const url = values.url ?? DEFAULT_URL;
  const { status, body } = level
    ? await callApi(url, 'PUT', '/trace', { level, ...(values.plugin ? { plugin: values.plugin } : {}) })
    : await callApi(url, 'GET', '/trace');
  if (status === 404) throw new UsageError((body as { detail?: string }).detail ?? `no plugin named ${values.plugin}`);
  if (status !== 200) {
    process.stderr.write(`plugd trace-level: HTTP ${status}: ${JSON.stringify(body)}\n`);
    return 1;
  }
  const { plugins } = body as { plugins: { name: string; level: string; file: string | null }[] };
  process.stdout.write(formatTable(['PLUGIN', 'TRACE', 'FILE'], plugins.map((p) => [p.name, p.level, p.file ?? '(log)'])));
  return 0;
}
