/**
 * The negotiated framing, supervisor side: a fake plugin that speaks the real framings
 * (protocol/'s decoders) offers newline-delimited JSON or not, and the supervisor
 * switches after the handshake only when it is offered and not pinned off in config.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { managedPlugin, submit, flush } from './fakes/managed.js';
import type { FakeScript } from './fakes/fake-process.js';

const started: { plugin: { stop(): Promise<void> } }[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.plugin.stop();
});

async function ready(script: FakeScript, options: Parameters<typeof managedPlugin>[1] = {}) {
  const m = managedPlugin(script, options);
  started.push(m);
  await m.plugin.start();
  return m;
}

/** The supervisor's bytes after the `initialized` frame. */
function afterInitialized(wire: string): string {
  const at = wire.indexOf('"method":"initialized"');
  expect(at).toBeGreaterThan(0);
  return wire.slice(wire.indexOf('}}', at) + 2);
}

describe('framing negotiation (fake process, real framing)', () => {
  it('switches to NDJSON after the handshake when the plugin offers it', async () => {
    const { plugin, launcher } = await ready({ ndjson: true });
    const observation = await submit(plugin, { action: 'run', args: { text: 'é ✓' }, id: 1 });
    expect(observation.content).toBe('ran run #1');
    const fake = launcher.last;
    expect(fake.received.find((m) => m.method === 'initialized')?.params).toEqual({ framing: 'ndjson' });
    // `initialized` itself still in Content-Length, everything after it one JSON object per line.
    expect(fake.wireText).toMatch(/Content-Length: \d+\r\n\r\n\{"jsonrpc":"2.0","method":"initialized","params":\{"framing":"ndjson"\}\}/);
    const rest = afterInitialized(fake.wireText);
    expect(rest).not.toContain('Content-Length');
    expect(rest).toMatch(/^\{"jsonrpc":"2.0","id":\d+,"method":"run",.*\}\n$/);
  });

  it('stays on Content-Length when the plugin does not offer NDJSON', async () => {
    const { plugin, launcher } = await ready({});
    await submit(plugin, { action: 'run', args: {}, id: 2 });
    const fake = launcher.last;
    expect(fake.received.find((m) => m.method === 'initialized')?.params).toEqual({});
    expect(afterInitialized(fake.wireText)).toMatch(/^Content-Length: \d+\r\n\r\n\{"jsonrpc":"2.0","id":\d+,"method":"run"/);
  });

  it('keeps Content-Length when the config pins framing "content-length", even when NDJSON is offered', async () => {
    const { plugin, launcher } = await ready({ ndjson: true }, { framing: 'content-length' });
    await submit(plugin, { action: 'run', args: {}, id: 3 });
    const fake = launcher.last;
    expect(fake.received.find((m) => m.method === 'initialized')?.params).toEqual({});
    expect(afterInitialized(fake.wireText)).toMatch(/^Content-Length: /);
  });

  it('understands a Content-Length frame the plugin wrote before it read `initialized`, then lines', async () => {
    const { plugin, launcher, events } = await ready({ ndjson: true, run: 'hold' });
    const fake = launcher.last;
    // As a plugin that logged right after its initialize answer: a Content-Length frame after negotiation.
    const log = JSON.stringify({ jsonrpc: '2.0', method: 'plugd/log', params: { level: 'info', message: 'early bird' } });
    fake.writeRaw(`Content-Length: ${Buffer.byteLength(log)}\r\n\r\n${log}`);
    const pending = submit(plugin, { action: 'run', args: {}, id: 4 });
    await flush();
    fake.answer();
    await expect(pending).resolves.toMatchObject({ content: 'ran run #4' });
    expect(JSON.stringify(events)).toContain('early bird');
    expect(plugin.state).toBe('ready');
  });

  it('after the first line, a Content-Length frame is a protocol violation naming the framing; the plugin is killed', async () => {
    const { plugin, launcher, events } = await ready({ ndjson: true, run: 'hold' });
    const fake = launcher.last;
    const pending = submit(plugin, { action: 'run', args: {}, id: 5 });
    await flush();
    fake.send({ method: 'plugd/log', params: { level: 'info', message: 'a line' } });
    fake.writeRaw('Content-Length: 2\r\n\r\n{}');
    const observation = await pending;
    expect(observation.observation).toBe('error');
    while (!events.some((e) => e.event === 'exit')) await flush();
    const exit = events.find((e) => e.event === 'exit');
    expect(exit?.payload).toMatchObject({ reason: 'protocol-error', signal: 'SIGKILL' });
    expect(JSON.stringify(exit)).toMatch(/expected a JSON object line at a frame boundary \(after the handshake this plugin writes one JSON-RPC message object per line/);
    expect(JSON.stringify(exit)).toContain('Content-Length: 2');
  });
});
