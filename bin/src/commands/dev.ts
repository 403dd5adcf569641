import { PlugdHttpServer, Supervisor, isPlugdError } from '@plugd/supervisor';
import type { SupervisorConfig } from '@plugd/supervisor';
import { TraceLevelSchema } from '@plugd/protocol';
import { devLogger } from '../dev/dev-logger.js';
import { devTarget } from '../dev/dev-target.js';
import { RebuildOnSave } from '../dev/rebuild-on-save.js';
import { oneOf, parseFlags, parsePort } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const DEV_HELP = `Usage: plugd dev PATH [--port P] [--host H] [--trace off|messages|verbose]

Runs one plugin for its author: hot reload on save, every frame (but $/ping)
pretty-printed on the terminal (verbose trace), its stderr and log, and the HTTP API,
so you edit, save and curl in one loop. Stop with Ctrl-C.

PATH is one of:
  a folder made by 'plugd new' (its plugd.json; a TypeScript project is rebuilt with
    'npm run build' when src/ changes, and reloads when the build writes dist/)
  a folder whose package.json has a "plugd" field
  a plugin file: ./plugin.py (python3), ./dist/index.js (node), or an executable
  a command line: "python3 ./tool.py --flag"

  --port P      HTTP port (default 8765; 0 picks a free one)
  --host H      address to bind (default 127.0.0.1)
  --trace L     trace level (default verbose)
The API key comes from SESSION_API_KEY (or server.apiKey in the folder's plugd.json).

Example: plugd dev ./my-tool, then
  curl -s localhost:8765/execute_action -d '{"action":{"action":"count","args":{"to":3}}}'`;

export async function devCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('dev', args, { port: { type: 'string' }, host: { type: 'string' }, trace: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${DEV_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`dev takes one plugin folder, file or command, e.g. 'plugd dev ./my-tool'`);
  const trace = oneOf(values.trace, TraceLevelSchema.options, '--trace') ?? 'verbose';
  const port = parsePort(values.port);
  const target = devTarget(positionals[0]!);
  const config: SupervisorConfig = {
    ...target.config,
    server: {
      ...target.config.server,
      ...(values.host ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(process.env['SESSION_API_KEY'] ? { apiKey: process.env['SESSION_API_KEY'] } : {}),
    },
  };
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const logger = devLogger(print);

  const build = target.build ? new RebuildOnSave(target.build.dir, target.build.sources, logger, print) : undefined;
  if (build && !(await build.start())) logger.warn('the first build failed: the plugin may not start until you fix it and save');

  const supervisor = new Supervisor(config, { logger });
  supervisor.setTraceLevel(trace);
  supervisor.on('ready', (e) => logger.info(`${e.plugin} ${e.version} ready (generation ${e.generation}, pid ${e.pid}), actions: ${e.actions.join(', ') || '(none)'}`));
  const server = new PlugdHttpServer(supervisor, config.server);
  try {
    await server.listen();
  } catch (error) {
    await build?.close();
    throw new UsageError(`cannot listen on ${config.server.host}:${config.server.port} (${(error as NodeJS.ErrnoException).code ?? error}); choose another --port`);
  }
  for (const plugin of config.plugins) logger.info(`${plugin.name}: ${plugin.command.join(' ')}; reloads when ${plugin.watch.join(', ')} changes`);
  logger.info(`plugd dev listening on ${server.url}`);

  let stopping: Promise<number> | undefined;
  const stop = (): Promise<number> =>
    (stopping ??= (async () => {
      await build?.close();
      await supervisor.stop();
      await server.close();
      return 0;
    })());
  const stopped = new Promise<number>((resolve) => {
    process.once('SIGINT', () => void stop().then(resolve));
    process.once('SIGTERM', () => void stop().then(resolve));
  });
  try {
    await supervisor.start();
  } catch (error) {
    if (isPlugdError(error, 'ROUTE_CONFLICT')) {
      await stop();
      throw new UsageError(error.message.replace(/\n/g, '; '), { cause: error });
    }
    throw error;
  }
  const example = supervisor.plugins()[0]?.actions[0];
  if (example) logger.info(`try: curl -s ${server.url}/execute_action -d '{"action":{"action":"${example}","args":{}}}'`);
  return stopped;
}
