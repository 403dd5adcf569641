import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { DEFAULT_MAX_FRAME_BYTES } from '@plugd/protocol';
import type { TraceLevel } from '@plugd/protocol';
import { BUILTIN_ACTIONS, BUILTIN_PLUGINS, builtinCommand, builtinEntry, isBuiltin } from './builtins.js';
import { ConfigError, problemsFromZod } from './config-error.js';
import { dependencyOrder } from './dependency-order.js';
import { findExecutable } from './find-executable.js';
import type { ConfigProblem } from './config-error.js';
import {
  DEFAULT_HOST,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CALL_DEPTH,
  DEFAULT_MAX_QUEUED,
  DEFAULT_PORT,
  DEFAULT_REDACT,
  DEFAULT_RESTART,
  DEFAULT_TIMEOUTS,
  DEFAULT_TRACE_MAX_BYTES,
  DEFAULT_TRACE_MAX_FILES,
  DEFAULT_WATCH_DEBOUNCE_MS,
} from './defaults.js';
import { PlugdConfigFileSchema } from './schema.js';
import type { PluginConfigFile, PlugdConfigFile, TraceConfigFile } from './schema.js';
import type { PluginOptions, SupervisorConfig, TraceOptions } from './types.js';

export interface ParseConfigOptions {
  /** Named in every error message: the file path, or "embedded default". */
  readonly source: string;
  /** Relative paths in the config resolve against this folder. */
  readonly baseDir: string;
  /**
   * A command whose program cannot be found is a config error (default true). When
   * false, that plugin is started anyway and becomes `failed` with the reason, probed
   * later (it may be installed meanwhile), and the other plugins serve (`plugd start`).
   */
  readonly requirePrograms?: boolean;
}

/**
 * The one place options are normalized: validates the raw config with zod, applies
 * defaults, resolves paths and built-ins. Every problem names its JSON path.
 */
export function parseConfig(raw: unknown, options: ParseConfigOptions): SupervisorConfig {
  const parsed = PlugdConfigFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(options.source, problemsFromZod(parsed.error));
  const file = parsed.data;
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const traceDir = file.traceDir ? resolve(options.baseDir, file.traceDir) : undefined;
  const plugins: PluginOptions[] = [];

  file.plugins.forEach((plugin, index) => {
    const at = `plugins[${index}]`;
    if (seen.has(plugin.name)) {
      problems.push({ path: `${at}.name`, message: `duplicate plugin name "${plugin.name}"; every plugin needs its own name` });
    }
    seen.add(plugin.name);
    if (plugin.enabled === false) return;
    if (!plugin.command && !isBuiltin(plugin.name)) {
      problems.push({
        path: `${at}.name`,
        message: `unknown built-in plugin "${plugin.name}"; built-ins are ${BUILTIN_PLUGINS.join(', ')}. To run your own plugin give "command", e.g. ["node", "./my-tool/dist/index.js"]`,
      });
      return;
    }
    const normalized = normalizePlugin(file, plugin, options.baseDir, traceDir);
    const program = normalized.command[0]!;
    // A plugin with a `when` condition may name a program that is absent: the condition disables it.
    if (plugin.command && !plugin.when && options.requirePrograms !== false && !findExecutable(program, normalized.cwd, normalized.env['PATH'] ?? process.env['PATH'])) {
      problems.push({
        path: `${at}.command[0]`,
        message: `cannot find the program "${plugin.command[0]}" (${program.includes('/') ? 'no executable file there' : 'not on PATH'}); give a program on PATH or a path to an executable, e.g. ["python3", "./tool.py"]`,
      });
    }
    plugins.push(normalized);
  });

  const routes: Record<string, string> = {};
  const fallbacks: Record<string, string[]> = {};
  for (const [type, target] of Object.entries(file.routes ?? {})) {
    const list = typeof target === 'string' ? [target] : target;
    for (const name of list) {
      if (!seen.has(name)) {
        problems.push({
          path: `routes.${type}`,
          message: `routes "${type}" to plugin "${name}", which is not configured; use one of: ${[...seen].join(', ') || '(no plugins)'}`,
        });
      }
    }
    routes[type] = list[0]!;
    if (list.length > 1) fallbacks[type] = list.slice(1);
  }
  problems.push(...compositionProblems(file, plugins));
  if (problems.length > 0) throw new ConfigError(options.source, problems);

  return {
    source: options.source,
    baseDir: options.baseDir,
    username: file.username ?? safeUsername(),
    server: {
      host: file.server?.host ?? DEFAULT_HOST,
      port: file.server?.port ?? DEFAULT_PORT,
      ...(file.server?.apiKey ? { apiKey: file.server.apiKey } : {}),
      maxBodyBytes: file.server?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    },
    routes,
    fallbacks,
    maxCallDepth: file.maxCallDepth ?? DEFAULT_MAX_CALL_DEPTH,
    redact: file.redact ?? DEFAULT_REDACT,
    watchDebounceMs: file.watchDebounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS,
    plugins,
  };
}

function normalizePlugin(file: PlugdConfigFile, plugin: PluginConfigFile, baseDir: string, traceDir: string | undefined): PluginOptions {
  const builtin = !plugin.command;
  const cwd = plugin.cwd ? resolve(baseDir, plugin.cwd) : baseDir;
  const command = plugin.command ? resolveCommand(plugin.command, baseDir) : builtinCommand(plugin.name as never);
  const trace = normalizeTrace(plugin.trace ?? file.trace, plugin.name, baseDir, traceDir);
  return {
    name: plugin.name,
    command,
    cwd,
    env: plugin.env ?? {},
    config: plugin.config ?? {},
    watch: normalizeWatch(plugin.watch, plugin.command, cwd, baseDir, builtin ? builtinEntry(plugin.name as never) : undefined),
    restart: { ...DEFAULT_RESTART, ...file.defaults?.restart, ...plugin.restart },
    timeouts: { ...DEFAULT_TIMEOUTS, ...file.defaults?.timeouts, ...plugin.timeouts },
    trace,
    maxFrameBytes: plugin.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    maxQueued: plugin.maxQueued ?? DEFAULT_MAX_QUEUED,
    builtin,
    declaredActions: plugin.actions ?? (builtin ? BUILTIN_ACTIONS[plugin.name as keyof typeof BUILTIN_ACTIONS] : []),
    start: plugin.start ?? 'eager',
    idleStopMs: plugin.idleStopMs ?? 0,
    when: plugin.when ? { ...plugin.when, ...(plugin.when.path ? { path: resolve(baseDir, plugin.when.path) } : {}) } : undefined,
    dependsOn: plugin.dependsOn ?? [],
    restartWith: plugin.restartWith ?? false,
    calls: plugin.calls ?? [],
    idempotent: { add: plugin.idempotent?.add ?? [], remove: plugin.idempotent?.remove ?? [] },
  };
}

/** Start order, lazy plugins and dependencies: the checks that need every plugin. */
function compositionProblems(file: PlugdConfigFile, plugins: readonly PluginOptions[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const enabled = new Set(plugins.map((p) => p.name));
  const at = (name: string) => `plugins[${file.plugins.findIndex((p) => p.name === name)}]`;
  for (const plugin of plugins) {
    for (const dep of plugin.dependsOn) {
      if (!enabled.has(dep)) {
        problems.push({ path: `${at(plugin.name)}.dependsOn`, message: `depends on "${dep}", which is not configured (or not enabled); use one of: ${[...enabled].join(', ')}` });
      }
    }
    if (plugin.start === 'lazy' && plugin.declaredActions.length === 0) {
      problems.push({ path: `${at(plugin.name)}.actions`, message: `a lazy plugin is started by its first action, so plugd must know its action types before it runs: list them, e.g. "actions": ["read"]` });
    }
  }
  const result = dependencyOrder(plugins);
  if ('cycle' in result) {
    problems.push({ path: `${at(result.cycle[0]!)}.dependsOn`, message: `dependency cycle: ${result.cycle.join(' -> ')}; a plugin cannot start before itself, remove one of these dependsOn entries` });
  }
  return problems;
}

/** `node` runs on this very Node; `./x` and `../x` arguments are relative to the config file. */
function resolveCommand(command: readonly string[], baseDir: string): string[] {
  return command.map((part, i) => {
    if (i === 0 && part === 'node') return process.execPath;
    if (part.startsWith('./') || part.startsWith('../')) return resolve(baseDir, part);
    return part;
  });
}

/**
 * `watch: true` is the folder of the entry file: the first argument that is a file
 * (["node", "./dist/index.js"]), else the executable itself when the config gives
 * it as a path ("./my-plugin"). Never the interpreter's folder (/usr/bin).
 */
function normalizeWatch(watch: boolean | string[] | undefined, raw: readonly string[] | undefined, cwd: string, baseDir: string, entry: string | undefined): string[] {
  if (!watch) return [];
  if (Array.isArray(watch)) return watch.map((p) => (isAbsolute(p) ? p : resolve(baseDir, p)));
  const [exe, ...args] = raw ?? [];
  const files = args
    .filter((part) => !part.startsWith('-'))
    .map((part) => (part.startsWith('./') || part.startsWith('../') ? resolve(baseDir, part) : resolve(cwd, part)))
    .filter(isFile);
  // A wrapper (taskset, env, nice) names another program: its executable is not the plugin's code.
  const fromArgs = files.find((file) => file.startsWith(baseDir + sep) || file.startsWith(cwd + sep)) ?? files.find((file) => !isProgram(file));
  const fromExe = exe && (exe.startsWith('./') || exe.startsWith('../')) ? resolve(baseDir, exe) : undefined;
  const file = entry ?? fromArgs ?? (fromExe && isFile(fromExe) ? fromExe : undefined);
  return file ? [dirname(file)] : [baseDir];
}

function normalizeTrace(trace: TraceConfigFile | undefined, name: string, baseDir: string, traceDir: string | undefined): TraceOptions {
  const spec = typeof trace === 'string' ? { level: trace } : (trace ?? {});
  const level: TraceLevel = spec.level ?? 'off';
  const file = 'file' in spec && spec.file ? resolve(baseDir, spec.file) : traceDir ? join(traceDir, `${name}.trace.jsonl`) : undefined;
  return {
    level,
    ...(file ? { file } : {}),
    maxBytes: ('maxBytes' in spec && spec.maxBytes) || DEFAULT_TRACE_MAX_BYTES,
    maxFiles: ('maxFiles' in spec && spec.maxFiles) || DEFAULT_TRACE_MAX_FILES,
  };
}

/** Node itself, or an executable in a PATH folder. */
function isProgram(file: string): boolean {
  if (file === process.execPath) return true;
  const folders = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  return folders.includes(dirname(file));
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeUsername(): string {
  try {
    return process.env['USER'] ?? userInfo().username;
  } catch {
    return 'root';
  }
}
