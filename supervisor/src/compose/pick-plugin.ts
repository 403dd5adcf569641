/** What routing needs to know of one candidate plugin. */
export interface Candidate {
  readonly name: string;
  /** A generation serves now (ready or reloading). */
  readonly serving: boolean;
  /** Not running, but the action may start it (lazy, or stopped for being idle). */
  readonly startable: boolean;
  /** Why it refuses at once (failed, disabled, waiting, stopped), if it does. */
  readonly refusal: string | undefined;
}

/**
 * Which plugin of a fallback list takes an action: the first that serves; else the
 * first that may take it and wait (starting, restarting, lazy); else the first (its
 * refusal is the answer). `tried` are those that already refused this action.
 */
export function pickPlugin<C extends Candidate>(candidates: readonly C[], tried: ReadonlySet<string>): C | undefined {
  const open = candidates.filter((c) => !tried.has(c.name));
  return open.find((c) => c.serving) ?? open.find((c) => c.startable || c.refusal === undefined) ?? open[0];
}
