import type { PluginStatus } from '@plugd/supervisor';
import { DEFAULT_URL, callApi } from '../api-client.js';
import { parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const RELOAD_HELP = `Usage: plugd reload NAME [--url URL]

Asks a running 'plugd start' to reload plugin NAME (blue/green: the old generation
serves until the new one is ready). Exit 1 if the new generation failed to start.

  --url URL   where plugd listens (default ${DEFAULT_URL}); the API key comes from SESSION_API_KEY`;

export async function reloadCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('reload', args, { url: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${RELOAD_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`reload takes one plugin name, e.g. 'plugd reload shell'`);
  const name = positionals[0]!;
  const { status, body } = await callApi(values.url ?? DEFAULT_URL, 'POST', `/plugins/${encodeURIComponent(name)}/reload`);
  if (status === 404) throw new UsageError((body as { detail?: string }).detail ?? `no plugin named ${name}`);
  if (status !== 200) {
    process.stderr.write(`plugd reload: HTTP ${status}: ${JSON.stringify(body)}\n`);
    return 1;
  }
  const plugin = body as PluginStatus;
  if (plugin.lastReloadError) {
    process.stderr.write(`plugd reload: ${name} did not reload: ${plugin.lastReloadError}; generation ${plugin.generation} keeps serving\n`);
    return 1;
  }
  process.stdout.write(`${name}: ${plugin.state}, generation ${plugin.generation}, pid ${plugin.pid ?? '-'}, version ${plugin.version ?? '-'}\n`);
  return 0;
}
