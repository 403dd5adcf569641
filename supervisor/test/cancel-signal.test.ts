/** The light signal handed to the MCP SDK behaves as the AbortSignal members the SDK reads. */
import { describe, expect, it } from '@jest/globals';
import { CancelSignal } from '../src/mcp/cancel-signal.js';

describe('CancelSignal', () => {
  it('runs each abort listener once, with the reason readable, and throws it from throwIfAborted', () => {
    const signal = new CancelSignal();
    const seen: unknown[] = [];
    signal.addEventListener('abort', () => seen.push(signal.reason));
    expect(() => signal.throwIfAborted()).not.toThrow();
    const reason = new Error('timed out');
    signal.abort(reason);
    signal.abort(new Error('again'));
    expect(seen).toEqual([reason]);
    expect(signal.aborted).toBe(true);
    expect(() => signal.throwIfAborted()).toThrow(reason);
  });

  it('does not call a removed listener', () => {
    const signal = new CancelSignal();
    let called = false;
    const listener = (): void => {
      called = true;
    };
    signal.addEventListener('abort', listener);
    signal.removeEventListener('abort', listener);
    signal.abort('x');
    expect(called).toBe(false);
  });
});
