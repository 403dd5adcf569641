import type { Message, NotificationMessage, RequestMessage } from 'vscode-jsonrpc/node';
import {
  CancelParamsSchema,
  DEFAULT_MAX_FRAME_BYTES,
  encodeMessage,
  ErrorIds,
  errorObservation,
  FrameDecoder,
  InitializedParamsSchema,
  InitializeParamsSchema,
  LineDecoder,
  Methods,
  PROTOCOL_VERSION,
  RunParamsSchema,
  plainRunParams,
  formatZodIssues,
  WireWriter,
} from '@plugd/protocol';
import type { ActionInput, InitializeParams, InitializeResult } from '@plugd/protocol';
import type { InitContext, PluginDefinition, RunContext } from './types.js';
import { runAction } from './run-action.js';
import { PluginCalls } from './plugin-calls.js';
import { pluginLogger } from './plugin-logger.js';
import { RunningRequest } from './running-request.js';
import { reportProcessGroupsTo } from './process-groups.js';

export interface ServeOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Called once when the plugin should end (exit notification or input closed). */
  readonly onEnd?: (reason: 'exit' | 'input-closed') => void;
  /** Offer only Content-Length framing in `initialize` (as plugins before newline-delimited JSON did). */
  readonly contentLengthOnly?: boolean;
}

export interface PluginServer {
  /** Resolves when the server has ended. */
  readonly ended: Promise<'exit' | 'input-closed'>;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** JSON-RPC 2.0 error codes (the SDK needs no JSON-RPC library at run time: a smaller, faster-starting bundle). */
const ErrorCodes = { MethodNotFound: -32601, InvalidParams: -32602, InternalError: -32603 } as const;

type Id = number | string;

/**
 * The plugin end of protocol v1: a small dispatcher over the shared frame decoders and a
 * writer that sends the frames of one tick in one write (protocol/). It offers
 * newline-delimited JSON in `initialize` and switches to it at `initialized` when the
 * supervisor says so. It keeps request ids itself (progress and cancel are keyed by
 * them) and answers `$/ping` straight from the decoder callback, even while actions run.
 */
export function servePlugin(def: PluginDefinition, options: ServeOptions): PluginServer {
  /** What the supervisor accepts from us; it says so in `initialize`. A bigger frame would get the plugin killed. */
  let maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  const running = new Map<Id, RunningRequest>();
  let init: InitializeParams | undefined;
  let ended = false;
  let resolveEnded!: (reason: 'exit' | 'input-closed') => void;
  const endedPromise = new Promise<'exit' | 'input-closed'>((resolve) => (resolveEnded = resolve));

  // The supervisor may be gone (EPIPE); there is no one left to tell.
  options.output.on('error', () => undefined);
  const writer = new WireWriter(options.output, () => undefined);
  /**
   * Queues one frame (Content-Length: the same bytes as vscode-jsonrpc's writer; or a line
   * once negotiated). A frame over the supervisor's limit is not written: returns its size.
   */
  const send = (message: object): number => {
    const encoded = encodeMessage(message);
    if (encoded.over(maxFrameBytes)) return encoded.bytes;
    writer.send(encoded);
    return 0;
  };
  const respondError = (id: Id, code: number, message: string): void => {
    // Every request gets an answer, also under a tiny limit: the short form always fits (limit >= 1024).
    if (send({ jsonrpc: '2.0', id, error: { code, message: message.slice(0, 4096) } } as Message)) {
      send({ jsonrpc: '2.0', id, error: { code, message: `${message.slice(0, 100)}... (cut: over the frame limit)` } } as Message);
    }
  };
  const respond = (id: Id, result: unknown): void => {
    const over = send({ jsonrpc: '2.0', id, result } as Message);
    if (over) respondError(id, ErrorCodes.InternalError, `the answer is ${over} bytes, over the supervisor's frame limit of ${maxFrameBytes} bytes`);
  };
  const notify = (method: string, params: unknown): void => {
    const over = send({ jsonrpc: '2.0', method, params } as Message);
    if (over) send({ jsonrpc: '2.0', method: Methods.log.method, params: { level: 'warn', message: `a ${method} notification of ${over} bytes was dropped: over the supervisor's frame limit of ${maxFrameBytes} bytes` } } as Message);
  };
  reportProcessGroupsTo(notify);

  const calls = new PluginCalls(send, () => maxFrameBytes);
  const log = pluginLogger(notify);

  // `shutdown` then `exit` (or stdin EOF) must not run dispose twice.
  let disposing: Promise<void> | undefined;
  const disposeOnce = (): Promise<void> =>
    (disposing ??= (async () => {
      try {
        await def.dispose?.();
      } catch {
        // Ending anyway: a failing dispose must not keep the process alive.
      }
    })());

  const end = async (reason: 'exit' | 'input-closed'): Promise<void> => {
    if (ended) return;
    ended = true;
    for (const request of running.values()) request.abort(new Error('plugin is stopping'));
    calls.stop();
    await disposeOnce();
    options.input.off('data', onData);
    writer.flush(); // onEnd may exit the process before the next tick
    options.onEnd?.(reason);
    resolveEnded(reason);
  };

  const initContext = (): InitContext => ({
    name: init?.name ?? def.name,
    username: init?.username ?? '',
    config: init?.config ?? {},
    log,
  });

  const onInitialize = async (request: RequestMessage): Promise<void> => {
    const parsed = InitializeParamsSchema.safeParse(request.params);
    if (!parsed.success) {
      respondError(request.id!, ErrorCodes.InvalidParams, `bad initialize params: ${formatZodIssues(parsed.error)}`);
      return;
    }
    init = parsed.data;
    maxFrameBytes = init.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    try {
      await def.initialize?.(initContext());
    } catch (error) {
      respondError(request.id!, ErrorCodes.InternalError, error instanceof Error ? error.message : String(error));
      return;
    }
    const result: InitializeResult = {
      name: def.name,
      version: def.version,
      protocolVersion: PROTOCOL_VERSION,
      actions: Object.keys(def.actions),
      capabilities: { concurrency: def.concurrency ?? 1, progress: true },
      ...(def.idempotent ? { idempotent: [...def.idempotent] } : {}),
      framing: options.contentLengthOnly ? ['content-length'] : ['ndjson', 'content-length'],
    };
    respond(request.id!, result);
  };

  const onRun = async (request: RequestMessage): Promise<void> => {
    const id = request.id!;
    // The supervisor sends plainly valid params: they skip zod; anything else gets its full check.
    const plain = plainRunParams(request.params);
    const parsed = plain ? { success: true as const, data: plain } : RunParamsSchema.safeParse(request.params);
    if (!parsed.success) {
      respondError(id, ErrorCodes.InvalidParams, `bad run params: ${formatZodIssues(parsed.error, 'params')}`);
      return;
    }
    const run = new RunningRequest();
    running.set(id, run);
    let answered = false;
    const timeoutMs = parsed.data.timeoutMs ?? (parsed.data.action.timeout ? parsed.data.action.timeout * 1000 : DEFAULT_TIMEOUT_MS);
    try {
      // One object literal with every key (no spread of initContext(), no spread of cwd):
      // V8 builds it from a boilerplate, where the spread made a slow object per action.
      const action = parsed.data.action;
      const ctx: { -readonly [K in keyof RunContext]: RunContext[K] } = {
        name: init?.name ?? def.name,
        username: init?.username ?? '',
        config: init?.config ?? {},
        log,
        get signal() {
          return run.signal;
        },
        action,
        timeoutMs,
        deadline: Date.now() + timeoutMs,
        progress: (content: string) => {
          // Not after the answer: the supervisor has forgotten this id by then.
          if (!run.aborted && !answered) notify(Methods.progress.method, { id, content });
        },
        execute: (inner: ActionInput) => calls.execute(id, inner),
      };
      const cwd = parsed.data.session?.cwd;
      if (cwd) ctx.cwd = cwd;
      const observation = await runAction(def, action, ctx);
      const over = send({ jsonrpc: '2.0', id, result: observation } as Message);
      // Only this action fails: an oversized frame would make the supervisor kill the plugin and every action in flight.
      if (over) respond(id, oversized(def.name, parsed.data.action.action, over, maxFrameBytes));
    } finally {
      answered = true;
      running.delete(id);
    }
  };

  const onRequest = (request: RequestMessage): void => {
    switch (request.method) {
      case Methods.ping.method:
        respond(request.id!, {});
        return;
      case Methods.initialize.method:
        void onInitialize(request);
        return;
      case Methods.run.method:
        void onRun(request);
        return;
      case Methods.shutdown.method:
        void disposeOnce().then(() => respond(request.id!, null));
        return;
      default:
        respondError(request.id!, ErrorCodes.MethodNotFound, `unknown method ${request.method}`);
    }
  };

  const onNotification = (notification: NotificationMessage): void => {
    switch (notification.method) {
      case Methods.cancelRequest.method: {
        const parsed = CancelParamsSchema.safeParse(notification.params);
        if (parsed.success) running.get(parsed.data.id)?.abort(new Error('cancelled by the supervisor'));
        return;
      }
      case Methods.exit.method:
        void end('exit');
        return;
      case Methods.initialized.method:
        if (InitializedParamsSchema.safeParse(notification.params).data?.framing === 'ndjson') useLines();
        return;
      default:
        return; // unknown notifications need no answer.
    }
  };

  const sink = {
    message: (message: object) => {
      const m = message as Partial<RequestMessage>;
      if (typeof m.method !== 'string') {
        calls.answered(message); // the answer to a plugd/execute
        return;
      }
      if (m.id !== undefined && m.id !== null) onRequest(m as RequestMessage);
      else onNotification(m as NotificationMessage);
    },
    // The supervisor's stream is broken and cannot be resynced: nothing more can be understood.
    violation: () => void end('input-closed'),
  };
  const decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER, sink);
  /**
   * Newline-delimited JSON from here on: the bytes after the `initialized` frame being
   * delivered are lines (the supervisor writes them after it), and so is everything we
   * write from now (frames already queued keep their Content-Length framing).
   */
  const useLines = (): void => {
    decoder.handOver(new LineDecoder(Number.MAX_SAFE_INTEGER, { message: (message, _bytes) => sink.message(message as object), violation: sink.violation }, { objectsOnly: true }), 'next-frame');
    writer.framing = 'ndjson';
  };
  const onData = (chunk: Buffer): void => decoder.push(chunk);
  options.input.on('data', onData);
  options.input.on('end', () => void end('input-closed'));
  options.input.on('error', () => void end('input-closed'));

  return { ended: endedPromise };
}

function oversized(plugin: string, action: string, bytes: number, limit: number) {
  return errorObservation(
    ErrorIds.PLUGIN_ERROR,
    `Plugin ${plugin}: the observation of "${action}" is ${bytes} bytes, over the frame limit of ${limit} bytes, so it was not sent. ` +
      `Ask for less (e.g. a range of a file, or output piped through head), or raise "maxFrameBytes" for this plugin in plugd.json.`,
  );
}
