/**
 * servePlugin in-process, over PassThrough streams, driven by a vscode-jsonrpc client
 * connection as the supervisor would drive it.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import {
  CancellationTokenSource,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { Message, MessageConnection, RequestMessage } from 'vscode-jsonrpc/node';
import { defineAction, servePlugin } from '../src/index.js';
import type { PluginDefinition, PluginServer, RunContext } from '../src/index.js';

interface Harness {
  readonly client: MessageConnection;
  readonly server: PluginServer;
  /** Every message the client sent, in order (read off the wire, so ids are real). */
  readonly sent: Message[];
  readonly endReasons: string[];
  readonly toPlugin: PassThrough;
}

const harnesses: Harness[] = [];

afterEach(() => {
  for (const h of harnesses.splice(0)) {
    h.client.dispose();
    h.toPlugin.end();
  }
});

function start(def: PluginDefinition): Harness {
  const toPlugin = new PassThrough();
  const fromPlugin = new PassThrough();
  const endReasons: string[] = [];
  const server = servePlugin(def, { input: toPlugin, output: fromPlugin, onEnd: (reason) => endReasons.push(reason) });
  const sent: Message[] = [];
  const spy = new StreamMessageReader(toPlugin);
  spy.partialMessageTimeout = 0;
  spy.listen((message) => sent.push(message));
  const client = createMessageConnection(new StreamMessageReader(fromPlugin), new StreamMessageWriter(toPlugin));
  client.listen();
  const h = { client, server, sent, endReasons, toPlugin };
  harnesses.push(h);
  return h;
}

const initParams = { protocolVersion: 1, name: 'under-test', username: 'root', config: { answer: 42 }, trace: 'off' };

async function started(def: PluginDefinition): Promise<Harness> {
  const h = start(def);
  await h.client.sendRequest('initialize', initParams);
  await h.client.sendNotification('initialized', {});
  return h;
}

const run = (h: Harness, action: string, args: Record<string, unknown> = {}, token?: CancellationTokenSource) =>
  token
    ? h.client.sendRequest('run', { action: { action, args } }, token.token)
    : h.client.sendRequest('run', { action: { action, args } });

/** A promise with its resolve handle: lets a test hold an action open and release it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const echo = defineAction({
  args: z.object({ text: z.string() }),
  run: (args) => ({ observation: 'echo', content: args.text, extras: {} }),
});

const basic = (extra: Partial<PluginDefinition> = {}): PluginDefinition => ({
  name: 'tester',
  version: '2.3.4',
  concurrency: 4,
  actions: { echo },
  ...extra,
});

describe('servePlugin', () => {
  it('answers initialize with name, version, protocolVersion, actions and concurrency', async () => {
    const seen: unknown[] = [];
    const h = start(
      basic({
        actions: { echo, other: echo },
        initialize: (ctx) => void seen.push({ name: ctx.name, username: ctx.username, config: ctx.config }),
      }),
    );
    const result = await h.client.sendRequest('initialize', initParams);
    expect(result).toEqual({
      name: 'tester',
      version: '2.3.4',
      protocolVersion: 1,
      actions: ['echo', 'other'],
      capabilities: expect.objectContaining({ concurrency: 4 }),
      framing: ['ndjson', 'content-length'],
    });
    expect(seen).toEqual([{ name: 'under-test', username: 'root', config: { answer: 42 } }]);
  });

  it('declares concurrency 1 when the definition gives none', async () => {
    const h = start({ name: 'solo', version: '1', actions: { echo } });
    await expect(h.client.sendRequest('initialize', initParams)).resolves.toMatchObject({ capabilities: { concurrency: 1 } });
  });

  it('fails initialize with the message initialize() threw', async () => {
    const h = start(basic({ initialize: () => Promise.reject(new Error('cannot open the database')) }));
    await expect(h.client.sendRequest('initialize', initParams)).rejects.toThrow('cannot open the database');
  });

  it('runs an action and returns its Observation', async () => {
    const h = await started(basic());
    await expect(run(h, 'echo', { text: 'hello' })).resolves.toEqual({ observation: 'echo', content: 'hello', extras: {} });
  });

  it('answers $/ping while a run is in flight', async () => {
    const release = deferred();
    const entered = deferred();
    const h = await started(
      basic({
        actions: {
          hold: defineAction({
            args: z.object({}),
            run: async () => {
              entered.resolve();
              await release.promise;
              return { observation: 'hold', content: 'released', extras: {} };
            },
          }),
        },
      }),
    );
    let finished = false;
    const holding = run(h, 'hold').then((obs) => {
      finished = true;
      return obs;
    });
    await entered.promise;
    await expect(h.client.sendRequest('$/ping', {})).resolves.toEqual({});
    expect(finished).toBe(false);
    release.resolve();
    await expect(holding).resolves.toMatchObject({ content: 'released' });
  });

  it('answers INVALID_ACTION naming the bad field when args fail the schema', async () => {
    let ran = false;
    const h = await started(
      basic({
        actions: {
          echo: defineAction({
            args: z.object({ text: z.string() }),
            run: () => {
              ran = true;
              return { observation: 'echo', content: '', extras: {} };
            },
          }),
        },
      }),
    );
    const obs = (await run(h, 'echo', { text: 12 })) as { observation: string; content: string; extras: Record<string, unknown> };
    expect(obs.observation).toBe('error');
    expect(obs.extras).toEqual({ error_id: 'INVALID_ACTION' });
    expect(obs.content).toContain('args.text');
    expect(ran).toBe(false);
  });

  it('turns a thrown error into a PLUGIN_ERROR Observation with its message', async () => {
    const h = await started(
      basic({
        actions: {
          explode: defineAction({
            args: z.object({}),
            run: () => {
              throw new Error('disk on fire');
            },
          }),
        },
      }),
    );
    const obs = await run(h, 'explode');
    expect(obs).toMatchObject({ observation: 'error', extras: { error_id: 'PLUGIN_ERROR' } });
    expect((obs as { content: string }).content).toContain('disk on fire');
  });

  it('answers PLUGIN_ERROR when a handler returns something that is not an Observation', async () => {
    const h = await started(
      basic({ actions: { bad: defineAction({ args: z.object({}), run: () => ({ content: 1 }) as never }) } }),
    );
    await expect(run(h, 'bad')).resolves.toMatchObject({ observation: 'error', extras: { error_id: 'PLUGIN_ERROR' } });
  });

  it('fires ctx.signal on $/cancelRequest', async () => {
    const entered = deferred();
    const h = await started(
      basic({
        actions: {
          wait: defineAction({
            args: z.object({}),
            run: async (_args, ctx) => {
              entered.resolve();
              if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
              return { observation: 'wait', content: `aborted: ${String((ctx.signal.reason as Error)?.message)}`, extras: {} };
            },
          }),
        },
      }),
    );
    const cts = new CancellationTokenSource();
    const waiting = run(h, 'wait', {}, cts);
    await entered.promise;
    cts.cancel();
    const obs = (await waiting) as { content: string };
    expect(obs.content).toMatch(/^aborted: /);
    const cancel = h.sent.find((m) => (m as RequestMessage).method === '$/cancelRequest') as RequestMessage | undefined;
    const runRequest = h.sent.find((m) => (m as RequestMessage).method === 'run') as RequestMessage;
    expect(cancel?.params).toEqual({ id: runRequest.id });
  });

  it('sends plugd/progress with the id of the run request', async () => {
    const h = await started(
      basic({
        actions: {
          chatty: defineAction({
            args: z.object({}),
            run: (_args, ctx) => {
              ctx.progress('part 1');
              ctx.progress('part 2');
              return { observation: 'chatty', content: 'all', extras: {} };
            },
          }),
        },
      }),
    );
    const progress: unknown[] = [];
    h.client.onNotification('plugd/progress', (params) => void progress.push(params));
    await run(h, 'echo', { text: 'first, so the next id is not 0-or-1 by luck' });
    await expect(run(h, 'chatty')).resolves.toMatchObject({ content: 'all' });
    const runIds = h.sent.filter((m) => (m as RequestMessage).method === 'run').map((m) => (m as RequestMessage).id);
    expect(runIds).toHaveLength(2);
    expect(progress).toEqual([
      { id: runIds[1], content: 'part 1' },
      { id: runIds[1], content: 'part 2' },
    ]);
  });

  it('sends plugd/log for log.warn(), with level, message and data', async () => {
    const h = await started(
      basic({
        actions: {
          warn: defineAction({
            args: z.object({}),
            run: (_args, ctx: RunContext) => {
              ctx.log.warn('running low on disk', { freeMb: 12 });
              return { observation: 'warn', content: '', extras: {} };
            },
          }),
        },
      }),
    );
    const logs: unknown[] = [];
    h.client.onNotification('plugd/log', (params) => void logs.push(params));
    await run(h, 'warn');
    expect(logs).toEqual([{ level: 'warn', message: 'running low on disk', data: { freeMb: 12 } }]);
  });

  it('answers INVALID_ACTION listing the handled types for an unknown action type', async () => {
    const h = await started(basic({ actions: { echo, shout: echo } }));
    const obs = (await run(h, 'teleport', {})) as { observation: string; content: string; extras: unknown };
    expect(obs.observation).toBe('error');
    expect(obs.extras).toEqual({ error_id: 'INVALID_ACTION' });
    expect(obs.content).toContain('teleport');
    expect(obs.content).toContain('echo, shout');
  });

  it('answers "method not found" for an unknown request method', async () => {
    const h = await started(basic());
    await expect(h.client.sendRequest('plugd/teleport', {})).rejects.toMatchObject({ code: -32601 });
  });

  it('accepts args fields and action keys from a newer runtime', async () => {
    const h = await started(basic());
    const obs = await h.client.sendRequest('run', {
      action: {
        action: 'echo',
        args: { text: 'still works', is_input: false, new_in_v2: { nested: true } },
        timestamp: '2030-01-01T00:00:00Z',
        source: 'agent',
      },
    });
    expect(obs).toEqual({ observation: 'echo', content: 'still works', extras: {} });
  });

  it('gives the handler timeoutMs from the run params, else from action.timeout', async () => {
    const seen: number[] = [];
    const h = await started(
      basic({
        actions: {
          t: defineAction({
            args: z.object({}),
            run: (_args, ctx) => {
              seen.push(ctx.timeoutMs);
              return { observation: 't', content: '', extras: {} };
            },
          }),
        },
      }),
    );
    await h.client.sendRequest('run', { action: { action: 't', args: {} }, timeoutMs: 1234 });
    await h.client.sendRequest('run', { action: { action: 't', args: {}, timeout: 7 } });
    expect(seen).toEqual([1234, 7000]);
  });

  it('answers shutdown with null, calls dispose, and ends on the exit notification', async () => {
    let disposed = 0;
    const h = await started(basic({ dispose: () => void disposed++ }));
    await expect(h.client.sendRequest('shutdown', {})).resolves.toBeNull();
    expect(disposed).toBe(1);
    expect(h.endReasons).toEqual([]);
    await h.client.sendNotification('exit', {});
    await expect(h.server.ended).resolves.toBe('exit');
    expect(h.endReasons).toEqual(['exit']);
    expect(disposed).toBe(1); // not again on exit
  });

  it('answers shutdown even when dispose throws', async () => {
    const h = await started(
      basic({
        dispose: () => {
          throw new Error('dispose failed');
        },
      }),
    );
    await expect(h.client.sendRequest('shutdown', {})).resolves.toBeNull();
  });

  it('drops progress sent after the action was answered', async () => {
    let saved: RunContext | undefined;
    const h = await started(
      basic({
        actions: {
          leaky: defineAction({
            args: z.object({}),
            run: (_args, ctx) => {
              saved = ctx;
              return { observation: 'leaky', content: '', extras: {} };
            },
          }),
        },
      }),
    );
    const progress: unknown[] = [];
    h.client.onNotification('plugd/progress', (params) => void progress.push(params));
    await run(h, 'leaky');
    saved!.progress('too late');
    // Frames go out in order: a progress sent before this ping's answer would be here by now.
    await h.client.sendRequest('$/ping', {});
    expect(progress).toEqual([]);
  });

  it('never throws from ctx.log: a non-string message is coerced, unserializable data dropped', async () => {
    const h = await started(
      basic({
        actions: {
          weird: defineAction({
            args: z.object({}),
            run: (_args, ctx) => {
              const circular: Record<string, unknown> = {};
              circular['self'] = circular;
              ctx.log.error(new Error('as an object') as unknown as string);
              ctx.log.info('circular', circular);
              return { observation: 'weird', content: 'ok', extras: {} };
            },
          }),
        },
      }),
    );
    const logs: Array<{ level: string; message: string }> = [];
    h.client.onNotification('plugd/log', (params) => void logs.push(params as { level: string; message: string }));
    await expect(run(h, 'weird')).resolves.toMatchObject({ content: 'ok' });
    expect(logs).toEqual([
      { level: 'error', message: 'Error: as an object' },
      { level: 'info', message: 'circular (data not serializable)' },
    ]);
  });

  it('ends with "input-closed" when its input stream ends, aborting running actions', async () => {
    const entered = deferred();
    let abortedBy: unknown;
    const h = await started(
      basic({
        actions: {
          forever: defineAction({
            args: z.object({}),
            run: async (_args, ctx) => {
              entered.resolve();
              await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
              abortedBy = ctx.signal.reason;
              return { observation: 'forever', content: '', extras: {} };
            },
          }),
        },
      }),
    );
    void run(h, 'forever').catch(() => undefined);
    await entered.promise;
    h.toPlugin.end();
    await expect(h.server.ended).resolves.toBe('input-closed');
    expect(h.endReasons).toEqual(['input-closed']);
    expect(abortedBy).toBeInstanceOf(Error);
  });
});

describe('servePlugin frame limit', () => {
  async function limited(def: PluginDefinition, maxFrameBytes: number): Promise<Harness> {
    const h = start(def);
    await h.client.sendRequest('initialize', { ...initParams, maxFrameBytes });
    return h;
  }

  it('answers an action whose observation is over the limit with PLUGIN_ERROR naming size and limit, and keeps serving', async () => {
    const big = defineAction({ args: z.object({ n: z.number() }), run: (args) => ({ observation: 'read', content: 'x'.repeat(args.n), extras: {} }) });
    const h = await limited(basic({ actions: { echo, big } }), 4096);
    const [tooBig, small, fits] = await Promise.all([run(h, 'big', { n: 10_000 }), run(h, 'echo', { text: 'alongside' }), run(h, 'big', { n: 3000 })]);
    expect(tooBig).toEqual({
      observation: 'error',
      content: expect.stringMatching(/^Plugin tester: the observation of "big" is 100\d\d bytes, over the frame limit of 4096 bytes, so it was not sent\. Ask for less .*raise "maxFrameBytes"/),
      extras: { error_id: 'PLUGIN_ERROR' },
    });
    expect(small).toMatchObject({ content: 'alongside' });
    expect((fits as { content: string }).content).toHaveLength(3000);
  });

  it('drops a log notification over the limit and says so in a small one', async () => {
    const logs: unknown[] = [];
    const chatty = defineAction({
      args: z.object({}),
      run: (_args, ctx) => {
        ctx.log.info('y'.repeat(8000));
        return { observation: 'ok', content: '', extras: {} };
      },
    });
    const h = await limited(basic({ actions: { chatty } }), 4096);
    h.client.onNotification('plugd/log', (params) => void logs.push(params));
    await run(h, 'chatty');
    await new Promise((r) => setImmediate(r));
    expect(logs).toEqual([{ level: 'warn', message: expect.stringMatching(/a plugd\/log notification of 80\d\d bytes was dropped: over the supervisor's frame limit of 4096 bytes/) }]);
  });
});

describe('servePlugin: negotiated framing on the raw wire', () => {
  const frame = (message: object) => {
    const json = JSON.stringify({ jsonrpc: '2.0', ...message });
    return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  };

  function raw(options: { contentLengthOnly?: boolean } = {}) {
    const toPlugin = new PassThrough();
    const fromPlugin = new PassThrough();
    let text = '';
    fromPlugin.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    servePlugin(basic(), { input: toPlugin, output: fromPlugin, onEnd: () => undefined, ...options });
    const until = async (pattern: RegExp): Promise<string> => {
      while (!pattern.test(text)) await new Promise((resolve) => setImmediate(resolve));
      return text;
    };
    return { toPlugin, until, get text() { return text; } };
  }

  it('switches to NDJSON at `initialized` {framing: "ndjson"}: reads the lines after it in the same chunk, answers in lines', async () => {
    const h = raw();
    h.toPlugin.write(frame({ id: 1, method: 'initialize', params: initParams }));
    const init = await h.until(/"id":1,"result"/);
    expect(init).toMatch(/^Content-Length: \d+\r\n\r\n\{.*"framing":\["ndjson","content-length"\]/);
    const before = init.length;
    // `initialized` in Content-Length, then a `run` as a line, in one chunk.
    h.toPlugin.write(frame({ method: 'initialized', params: { framing: 'ndjson' } }) + `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'run', params: { action: { action: 'echo', args: { text: 'é line' } } } })}\n`);
    const after = (await h.until(/"id":2,"result"/)).slice(before);
    expect(after).toBe(`${JSON.stringify({ jsonrpc: '2.0', id: 2, result: { observation: 'echo', content: 'é line', extras: {} } })}\n`);
  });

  it('stays on Content-Length when `initialized` does not ask for NDJSON', async () => {
    const h = raw();
    h.toPlugin.write(frame({ id: 1, method: 'initialize', params: initParams }) + frame({ method: 'initialized', params: {} }) + frame({ id: 2, method: 'run', params: { action: { action: 'echo', args: { text: 'x' } } } }));
    const text = await h.until(/"id":2,"result"/);
    expect(text).toMatch(/Content-Length: \d+\r\n\r\n\{"jsonrpc":"2.0","id":2,"result"/);
  });

  it('offers only Content-Length with contentLengthOnly', async () => {
    const h = raw({ contentLengthOnly: true });
    h.toPlugin.write(frame({ id: 1, method: 'initialize', params: initParams }));
    expect(await h.until(/"id":1,"result"/)).toContain('"framing":["content-length"]');
  });
});
