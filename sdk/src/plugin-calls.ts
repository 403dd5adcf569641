import { ErrorIds, errorObservation, Methods, ObservationSchema } from '@plugd/protocol';
import type { ActionInput, Observation } from '@plugd/protocol';

/** Sends one message; returns 0, or its size in bytes when it is over the supervisor's frame limit (not sent). */
export type SendMessage = (message: object) => number;

/**
 * The requests this plugin sends to plugd (`plugd/execute`: an action run by another
 * plugin), in their own id space, each answered with an Observation; an answer that is
 * not one, a call over the frame limit and a call made while stopping are CALL_REFUSED.
 */
export class PluginCalls {
  private readonly outgoing = new Map<number, (observation: Observation) => void>();
  private nextId = 1;
  private stopped = false;

  constructor(
    private readonly send: SendMessage,
    private readonly frameLimit: () => number,
  ) {}

  /** Runs `action` for the `run` request `requestId`. */
  execute(requestId: number | string, action: ActionInput): Promise<Observation> {
    return new Promise((resolve) => {
      if (this.stopped) {
        resolve(errorObservation(ErrorIds.CALL_REFUSED, 'the plugin is stopping; the call was not sent'));
        return;
      }
      const id = this.nextId++;
      this.outgoing.set(id, resolve);
      const over = this.send({ jsonrpc: '2.0', id, method: Methods.execute.method, params: { action, requestId } });
      if (over) {
        this.outgoing.delete(id);
        resolve(errorObservation(ErrorIds.CALL_REFUSED, `the call is ${over} bytes, over the supervisor's frame limit of ${this.frameLimit()} bytes; it was not sent`));
      }
    });
  }

  /** A response from plugd (every response this plugin gets answers one of its calls). */
  answered(message: { id?: unknown; result?: unknown; error?: { message?: string } }): void {
    if (typeof message.id !== 'number') return;
    const resolve = this.outgoing.get(message.id);
    if (!resolve) return;
    this.outgoing.delete(message.id);
    const parsed = ObservationSchema.safeParse(message.result);
    resolve(
      parsed.success
        ? parsed.data
        : errorObservation(ErrorIds.CALL_REFUSED, `plugd refused the call: ${message.error?.message ?? 'its answer was not an Observation'}`),
    );
  }

  /** The plugin is stopping: calls in flight are refused, and so is every later one. */
  stop(): void {
    this.stopped = true;
    for (const resolve of this.outgoing.values()) resolve(errorObservation(ErrorIds.CALL_REFUSED, 'the plugin is stopping'));
    this.outgoing.clear();
  }
}
