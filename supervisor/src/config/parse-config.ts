import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { DEFAULT_MAX_FRAME_BYTES } from '@plugd/protocol';
import type { TraceLevel } from '@plugd/protocol';
import { BUILTIN_ACTIONS, builtinCommand, builtinEntry, isBuiltin } from './builtins.js';
import { ConfigError, problemsFromZod } from './config-error.js';
import { dependencyOrder } from './dependency-order.js';
import { discoverPlugin } from './discover-plugin.js';
import type { DiscoveredPlugin } from './discover-plugin.js';
import { findExecutable } from './find-executable.js';
import type { ConfigProblem } from './config-error.js';
import {
  DEFAULT_CONTAINMENT,
  DEFAULT_MAX_CALL_DEPTH,
  DEFAULT_MAX_QUEUED,
  DEFAULT_REDACT,
  DEFAULT_RESTART,
  DEFAULT_SERVER,
  DEFAULT_TIMEOUTS,
  DEFAULT_TRACE,
  DEFAULT_WATCH_DEBOUNCE_MS,
} from './defaults.js';
import { PlugdConfigFileSchema } from './schema.js';
import { securityOptions } from './security-options.js';
import type { PluginConfigFile, PlugdConfigFile, TraceConfigFile } from './schema.js';
import type { ContainmentOptions, PluginOptions, SupervisorConfig, TraceOptions } from './types.js';

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

  file.plugins.forEach((entry, index) => {
    let plugin = entry;
    const at = `plugins[${index}]`;
    if (seen.has(plugin.name)) {
      problems.push({ path: `${at}.name`, message: `duplicate plugin name "${plugin.name}"; every plugin needs its own name` });
    }
    seen.add(plugin.name);
    if (plugin.enabled === false) return;
    if (plugin.protocol === 'mcp' && !plugin.command) {
      problems.push({ path: `${at}.command`, message: `an MCP server needs "command", e.g. ["npx", "-y", "@modelcontextprotocol/server-memory"]` });
      return;
    }
    if (plugin.command && plugin.package) {
      problems.push({ path: `${at}.package`, message: `give either "command" or "package", not both` });
      return;
    }
    if (plugin.package || (!plugin.command && !isBuiltin(plugin.name))) {
      // Not a built-in: an installed plugd-plugin-<name> package (or the one "package" names).
      const discovery = discoverPlugin(plugin.name, plugin.package, options.baseDir);
      if ('problem' in discovery) {
        problems.push({ path: plugin.package ? `${at}.package` : `${at}.name`, message: discovery.problem });
        return;
      }
      plugin = withDiscovered(plugin, discovery.found);
    }
    const base = normalizePlugin(file, plugin, options.baseDir, traceDir);
    const normalized = { ...base, ...securityOptions(file, plugin, base, { at, baseDir: options.baseDir, problems }) };
    const { memoryMiB, memoryRestartMiB } = normalized.limits ?? {};
    if (memoryMiB !== undefined && memoryRestartMiB !== undefined && memoryRestartMiB >= memoryMiB) {
      problems.push({
        path: `${at}.limits.memoryRestartMiB`,
        message: `memoryRestartMiB (${memoryRestartMiB}) must be below memoryMiB (${memoryMiB}): it is the soft limit that restarts the plugin before the kernel kills it; e.g. ${Math.floor(memoryMiB * 0.8)}`,
      });
    }
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
    server: { ...DEFAULT_SERVER, ...file.server },
    routes,
    fallbacks,
    maxCallDepth: file.maxCallDepth ?? DEFAULT_MAX_CALL_DEPTH,
    redact: file.redact ?? DEFAULT_REDACT,
    watchDebounceMs: file.watchDebounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS,
    plugins,
    containment: normalizeContainment(file.containment),
  };
}

function normalizePlugin(file: PlugdConfigFile, plugin: PluginConfigFile, baseDir: string, traceDir: string | undefined): PluginOptions {
  const builtin = !plugin.command;
  const cwd = plugin.cwd ? resolve(baseDir, plugin.cwd) : baseDir;
  const command = plugin.command ? resolveCommand(plugin.command, baseDir) : builtinCommand(plugin.name as never);
  const trace = normalizeTrace(plugin.trace ?? file.trace, plugin.name, baseDir, traceDir);
  const entry = builtin ? builtinEntry(plugin.name as never) : entryFile(plugin.command ?? [], cwd, baseDir);
  return {
    name: plugin.name,
    protocol: plugin.protocol ?? 'plugd',
    command,
    cwd,
    env: plugin.env ?? {},
    config: plugin.config ?? {},
    watch: normalizeWatch(plugin.watch, entry, baseDir),
    restart: { ...DEFAULT_RESTART, ...file.defaults?.restart, ...plugin.restart },
    timeouts: { ...DEFAULT_TIMEOUTS, ...file.defaults?.timeouts, ...plugin.timeouts },
    trace,
    maxFrameBytes: plugin.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    framing: plugin.framing ?? 'auto',
    maxQueued: plugin.maxQueued ?? DEFAULT_MAX_QUEUED,
    builtin,
    declaredActions: plugin.actions ?? (builtin ? BUILTIN_ACTIONS[plugin.name as keyof typeof BUILTIN_ACTIONS] : []),
    ...(entry ? { entry } : {}),
    sha256: {},
    limits: { ...file.defaults?.limits, ...plugin.limits },
    start: plugin.start ?? 'eager',
    idleStopMs: plugin.idleStopMs ?? 0,
    when: plugin.when ? { ...plugin.when, ...(plugin.when.path ? { path: resolve(baseDir, plugin.when.path) } : {}) } : undefined,
    dependsOn: plugin.dependsOn ?? [],
    restartWith: plugin.restartWith ?? false,
    calls: plugin.calls ?? [],
    idempotent: { add: plugin.idempotent?.add ?? [], remove: plugin.idempotent?.remove ?? [] },
  };
}

/** A discovered package as if the entry had said it: its command, declared actions and default config (the entry's keys win). */
function withDiscovered(plugin: PluginConfigFile, found: DiscoveredPlugin): PluginConfigFile {
  return {
    ...plugin,
    command: found.command,
    actions: plugin.actions ?? [...found.actions],
    config: { ...found.config, ...plugin.config },
  };
}

function normalizeContainment(spec: PlugdConfigFile['containment']): ContainmentOptions {
  const given = typeof spec === 'string' ? { mode: spec } : (spec ?? {});
  return { ...DEFAULT_CONTAINMENT, ...given };
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

/** `watch: true` is the folder of the entry file (see entryFile), else the config's folder. */
function normalizeWatch(watch: boolean | string[] | undefined, entry: string | undefined, baseDir: string): string[] {
  if (!watch) return [];
  if (Array.isArray(watch)) return watch.map((p) => (isAbsolute(p) ? p : resolve(baseDir, p)));
  return entry ? [dirname(entry)] : [baseDir];
}

/**
 * The plugin's own file: the first argument that is a file (["node", "./dist/index.js"]),
 * else the executable itself when the config gives it as a path ("./my-plugin"). Never
 * the interpreter (/usr/bin/python3).
 */
function entryFile(raw: readonly string[], cwd: string, baseDir: string): string | undefined {
  const [exe, ...args] = raw;
  const files = args
    .filter((part) => !part.startsWith('-'))
    .map((part) => (part.startsWith('./') || part.startsWith('../') ? resolve(baseDir, part) : resolve(cwd, part)))
    .filter(isFile);
  // A wrapper (taskset, env, nice) names another program: its executable is not the plugin's code.
  const fromArgs = files.find((file) => file.startsWith(baseDir + sep) || file.startsWith(cwd + sep)) ?? files.find((file) => !isProgram(file));
  const fromExe = exe && (exe.startsWith('./') || exe.startsWith('../')) ? resolve(baseDir, exe) : undefined;
  return fromArgs ?? (fromExe && isFile(fromExe) ? fromExe : undefined);
}

function normalizeTrace(trace: TraceConfigFile | undefined, name: string, baseDir: string, traceDir: string | undefined): TraceOptions {
  const spec = typeof trace === 'string' ? { level: trace } : (trace ?? {});
  const level: TraceLevel = spec.level ?? DEFAULT_TRACE.level;
  const file = 'file' in spec && spec.file ? resolve(baseDir, spec.file) : traceDir ? join(traceDir, `${name}.trace.jsonl`) : undefined;
  return {
    level,
    ...(file ? { file } : {}),
    maxBytes: ('maxBytes' in spec && spec.maxBytes) || DEFAULT_TRACE.maxBytes,
    maxFiles: ('maxFiles' in spec && spec.maxFiles) || DEFAULT_TRACE.maxFiles,
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
