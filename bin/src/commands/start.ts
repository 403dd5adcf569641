import { existsSync } from 'node:fs';
import { ConfigError, PlugdHttpServer, Supervisor, apiKeyExposure, isPlugdError, remoteAccessRefusal, resolveConfig, servesRemoteWithoutKey } from '@plugd/supervisor';
import type { SupervisorConfig } from '@plugd/supervisor';
import { TraceLevelSchema } from '@plugd/protocol';
import { loadConfig } from '../config-from-flags.js';
import { createLogger, reopenLogFile } from '../create-logger.js';
import { withMcpServers } from '../mcp-flags.js';
import { oneOf, parseFlags, parsePort } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const START_HELP = `Usage: plugd start [-c plugd.json] [--host H] [--port P] [--trace off|messages|verbose]
                   [--log-level L] [--log-file F] [--strict] [--mcp CMD ...]

Runs every configured plugin and serves the HTTP API until SIGINT/SIGTERM (graceful
stop, exit 0). SIGHUP reads the config again and applies the difference (plugd reload --config). Without -c it reads ./plugd.json if
present, else starts the built-in plugins (shell, files, python, echo).

  -c, --config FILE   config file (plugd.json)
  --host H            address to bind (default 127.0.0.1)
  --port P            port (default 8765; 0 picks a free one)
  --trace LEVEL       stdio trace level for every plugin: off, messages, verbose
  --log-level L       trace, debug, info, warn, error, silent (default info)
  --log-file F        write JSON log lines to F instead of stderr; SIGUSR2 reopens F
                      (for logrotate without copytruncate)
  --strict            a plugin whose program cannot be found is a config error (exit 2);
                      by default that plugin is failed (retried later) and the others serve
  --mcp CMD           also run this stdio MCP server (repeatable), e.g.
                      --mcp "npx -y @modelcontextprotocol/server-memory"
The API key comes from SESSION_API_KEY (or server.apiKey in the config). A --host
that is not a loopback address needs one (exit 2 without), unless the config opts
out with "server": {"allowRemoteWithoutKey": true}. See docs/security.md.`;

export async function startCommand(args: string[]): Promise<number> {
  const { values } = parseFlags('start', args, {
    config: { type: 'string', short: 'c' },
    host: { type: 'string' },
    port: { type: 'string' },
    trace: { type: 'string' },
    'log-level': { type: 'string' },
    'log-file': { type: 'string' },
    strict: { type: 'boolean' },
    mcp: { type: 'string', multiple: true },
  });
  if (values.help) {
    process.stdout.write(`${START_HELP}\n`);
    return 0;
  }
  const trace = oneOf(values.trace, TraceLevelSchema.options, '--trace');
  const loaded = withMcpServers(loadConfig(values.config, { requirePrograms: values.strict === true }), values.mcp, values.strict === true);
  const port = parsePort(values.port);
  const apiKey = process.env['SESSION_API_KEY'] || loaded.server.apiKey;
  const config: SupervisorConfig = {
    ...loaded,
    server: { ...loaded.server, ...(values.host ? { host: values.host } : {}), ...(port !== undefined ? { port } : {}), ...(apiKey ? { apiKey } : {}) },
  };
  const refusal = remoteAccessRefusal(config.server);
  if (refusal) throw new UsageError(refusal);
  const logger = createLogger({ level: values['log-level'], file: values['log-file'], defaultLevel: 'info' });
  if (servesRemoteWithoutKey(config.server)) {
    logger.warn(
      { host: config.server.host, allowRemoteWithoutKey: true },
      `INSECURE: serving ${config.server.host} with no API key (server.allowRemoteWithoutKey): anyone who can reach this port can run commands as this user`,
    );
  }
  for (const warning of apiKeyExposure(loaded, existsSync(loaded.source) ? loaded.source : undefined)) logger.warn({ config: loaded.source }, warning);
  // A config reload (SIGHUP, POST /config/reload) reads the same source again, with the
  // --mcp servers of the command line; the command line's server flags still win.
  const reread = (): SupervisorConfig => {
    const file = resolveConfig(values.config, process.cwd(), { requirePrograms: values.strict === true });
    try {
      return { ...withMcpServers(file, values.mcp, values.strict === true), server: config.server };
    } catch (error) {
      // A config that now clashes with a --mcp server is a bad config: refused, nothing changes.
      if (error instanceof UsageError) throw new ConfigError(file.source, [{ path: 'plugins', message: error.message }], { cause: error });
      throw error;
    }
  };
  const supervisor = new Supervisor(config, { logger, loadConfig: reread });
  if (trace) supervisor.setTraceLevel(trace);
  const server = new PlugdHttpServer(supervisor, config.server);
  try {
    await server.listen();
  } catch (error) {
    throw new UsageError(`cannot listen on ${config.server.host}:${config.server.port} (${(error as NodeJS.ErrnoException).code ?? error}); choose another --port`);
  }

  let stopping: Promise<number> | undefined;
  const stop = (signal: string): Promise<number> => {
    stopping ??= (async () => {
      logger.info({ signal }, 'stopping every plugin');
      await supervisor.stop();
      await server.close();
      logger.info('plugd stopped');
      logger.flush?.();
      return 0;
    })();
    return stopping;
  };
  const stopped = new Promise<number>((resolve) => {
    process.once('SIGINT', () => void stop('SIGINT').then(resolve));
    process.once('SIGTERM', () => void stop('SIGTERM').then(resolve));
  });
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reading the config again');
    // A bad config is logged by reloadConfig and changes nothing.
    supervisor.reloadConfig().catch(() => undefined);
  });
  process.on('SIGUSR2', () => {
    if (reopenLogFile(logger)) logger.info('SIGUSR2: log file reopened');
  });
  // Logged once the signal handlers are in place: a SIGHUP right after this line must reload, not kill.
  logger.info({ url: server.url, config: config.source, plugins: config.plugins.map((p) => p.name) }, `plugd listening on ${server.url}`);
  try {
    await supervisor.start();
  } catch (error) {
    if (isPlugdError(error, 'ROUTE_CONFLICT')) {
      await server.close();
      throw new UsageError(error.message.replace(/\n/g, '; '), { cause: error });
    }
    throw error;
  }
  logger.info({ plugins: supervisor.plugins().map((p) => ({ name: p.name, state: p.state, pid: p.pid })) }, 'plugins started');
  return stopped;
}
