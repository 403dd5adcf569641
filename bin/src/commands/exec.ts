import { Supervisor, isPlugdError } from '@plugd/supervisor';
import { configFromPluginFlags, loadConfig } from '../config-from-flags.js';
import { createLogger } from '../create-logger.js';
import { mcpPluginsFromFlags, withMcpServers } from '../mcp-flags.js';
import { parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const EXEC_HELP = `Usage: plugd exec [-c plugd.json | --plugin CMD ...] [--mcp CMD ...] '<action JSON>'

Starts the plugins, runs one action, prints its Observation as JSON on stdout and
stops. Exit code 0 for an Observation, 1 for an error Observation, 2 for bad usage.

  -c, --config FILE   config file (default ./plugd.json, else the built-ins)
  --plugin CMD        run this plugin command instead (repeatable), e.g.
                      --plugin "node ./my-tool/dist/index.js"
  --mcp CMD           run this stdio MCP server (repeatable); alone, it is the only
                      plugin: --mcp "npx -y @modelcontextprotocol/server-everything"
  --log-level L       default warn
  --log-file F        write JSON log lines to F

Example: plugd exec '{"action":"run","args":{"command":"echo hi"}}'
         plugd exec --mcp "npx -y @modelcontextprotocol/server-everything" \\
           '{"action":"call_tool_mcp","args":{"name":"echo","arguments":{"message":"hi"}}}'`;

export async function execCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('exec', args, {
    config: { type: 'string', short: 'c' },
    plugin: { type: 'string', multiple: true },
    mcp: { type: 'string', multiple: true },
    'log-level': { type: 'string' },
    'log-file': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${EXEC_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`exec takes exactly one action as JSON, e.g. '{"action":"echo","args":{"text":"hi"}}'`);
  if (values.config && values.plugin) throw new UsageError('give either -c or --plugin, not both');
  let action: unknown;
  try {
    action = JSON.parse(positionals[0]!);
  } catch (error) {
    throw new UsageError(`the action is not JSON (${(error as Error).message}); quote it: '{"action":"echo","args":{"text":"hi"}}'`);
  }
  const mcpOnly = values.mcp && !values.plugin && !values.config;
  const config = mcpOnly
    ? { ...loadConfig(undefined), plugins: mcpPluginsFromFlags(values.mcp!) }
    : withMcpServers(values.plugin ? configFromPluginFlags(values.plugin) : loadConfig(values.config), values.mcp);
  const logger = createLogger({ level: values['log-level'], file: values['log-file'], defaultLevel: 'warn' });
  const supervisor = new Supervisor(config, { logger });
  try {
    await supervisor.start();
  } catch (error) {
    if (isPlugdError(error, 'ROUTE_CONFLICT')) throw new UsageError(error.message.replace(/\n/g, '; '), { cause: error });
    throw error;
  }
  try {
    const observation = await supervisor.execute(action);
    process.stdout.write(`${JSON.stringify(observation, null, 2)}\n`);
    return observation.observation === 'error' ? 1 : 0;
  } finally {
    await supervisor.stop();
  }
}
