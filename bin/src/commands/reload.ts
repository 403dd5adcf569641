import type { PluginStatus } from '@plugd/supervisor';
import { DEFAULT_URL, callApi } from '../api-client.js';
import { parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const RELOAD_HELP = `Usage: plugd reload NAME [--url URL]
       plugd reload --config [--url URL]

Asks a running 'plugd start' to reload plugin NAME (blue/green: the old generation
serves until the new one is ready). Exit 1 if the new generation failed to start.

With --config it reads its config file again and applies the difference (as SIGHUP
does): new plugins start, removed ones stop, changed ones are replaced blue/green,
unchanged ones are left alone. A bad config changes nothing: exit 1 with the reason.

  --url URL   where plugd listens (default ${DEFAULT_URL}); the API key comes from SESSION_API_KEY`;

export async function reloadCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('reload', args, { url: { type: 'string' }, config: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${RELOAD_HELP}\n`);
    return 0;
  }
  if (values.config) {
    if (positionals.length > 0) throw new UsageError(`reload --config takes no plugin name; it applies the whole config`);
    return reloadConfig(values.url ?? DEFAULT_URL);
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

async function reloadConfig(url: string): Promise<number> {
  const { status, body } = await callApi(url, 'POST', '/config/reload');
  if (status !== 200) {
    process.stderr.write(`plugd reload --config: ${(body as { detail?: string }).detail ?? `HTTP ${status}: ${JSON.stringify(body)}`}\n`);
    return 1;
  }
  const r = body as { added: string[]; removed: string[]; changed: string[]; unchanged: string[]; notApplied: { plugin: string; error: string }[] };
  const list = (names: string[]) => (names.length ? names.join(', ') : '-');
  process.stdout.write(`added: ${list(r.added)}\nremoved: ${list(r.removed)}\nchanged: ${list(r.changed)}\nunchanged: ${list(r.unchanged)}\n`);
  for (const n of r.notApplied) process.stderr.write(`plugd reload --config: ${n.plugin}: ${n.error}\n`);
  return r.notApplied.length > 0 ? 1 : 0;
}
