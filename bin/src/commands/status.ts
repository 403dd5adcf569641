import type { PluginStatus } from '@plugd/supervisor';
import { DEFAULT_URL, callApi } from '../api-client.js';
import { parseFlags } from '../parse-flags.js';
import { formatTable } from '../format-table.js';

export const STATUS_HELP = `Usage: plugd status [--url URL] [--json]

Prints a table of the plugins of a running 'plugd start': state, pid, uptime,
restarts, actions handled, error rate, p50/p99 latency, memory, CPU time and
processes (of the plugin's whole cgroup or process tree), last error.

  --url URL   where plugd listens (default ${DEFAULT_URL}); the API key comes from SESSION_API_KEY
  --json      print the raw JSON instead`;

export async function statusCommand(args: string[]): Promise<number> {
  const { values } = parseFlags('status', args, { url: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${STATUS_HELP}\n`);
    return 0;
  }
  const { status, body } = await callApi(values.url ?? DEFAULT_URL, 'GET', '/plugins');
  if (status !== 200) {
    process.stderr.write(`plugd status: HTTP ${status}: ${JSON.stringify(body)}\n`);
    return 1;
  }
  const { plugins } = body as { plugins: PluginStatus[] };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const rows = plugins.map((p) => [
    p.name,
    p.state,
    p.pid?.toString() ?? '-',
    p.generation.toString(),
    duration(p.uptimeMs),
    p.restarts.toString(),
    p.actionsHandled.toString(),
    p.actionsHandled ? `${((p.actionErrors / p.actionsHandled) * 100).toFixed(1)}%` : '-',
    ms(p.latencyP50Ms),
    ms(p.latencyP99Ms),
    p.resources ? `${(p.resources.memoryBytes / 1024 / 1024).toFixed(1)}MiB` : '-',
    p.resources ? `${p.resources.cpuSeconds.toFixed(2)}s` : '-',
    p.resources?.processes.toString() ?? '-',
    (p.lastReloadError ?? p.lastError ?? '').slice(0, 60),
  ]);
  process.stdout.write(formatTable(['PLUGIN', 'STATE', 'PID', 'GEN', 'UPTIME', 'RESTARTS', 'ACTIONS', 'ERRORS', 'P50', 'P99', 'MEM', 'CPU', 'PROCS', 'LAST ERROR'], rows));
  return 0;
}

function ms(value: number | undefined): string {
  return value === undefined ? '-' : `${value}ms`;
}

function duration(value: number | undefined): string {
  if (value === undefined) return '-';
  const s = Math.floor(value / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
