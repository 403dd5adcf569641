/** Waiting on a Supervisor's events (instead of sleeping), shared by the test helpers. */
import type { Supervisor, SupervisorEvents } from '@plugd/supervisor';

/**
 * Resolves with the first event of `kind` (from now on) that `match`es; rejects after
 * `ms`, with `detail()` (e.g. the plugins' states) appended to the message.
 */
export function nextEvent<K extends keyof SupervisorEvents>(
  supervisor: Supervisor,
  kind: K,
  match: (e: SupervisorEvents[K][0]) => boolean = () => true,
  ms = 30_000,
  detail?: () => string,
): Promise<SupervisorEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = (e: never): void => {
      if (!match(e)) return;
      clearTimeout(timer);
      supervisor.off(kind, listener as never);
      resolve(e);
    };
    const timer = setTimeout(() => {
      supervisor.off(kind, listener as never);
      reject(new Error(`no matching "${String(kind)}" event within ${ms} ms${detail ? `; ${detail()}` : ''}`));
    }, ms);
    timer.unref();
    supervisor.on(kind, listener as never);
  });
}
