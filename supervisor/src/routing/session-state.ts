import type { Observation, RunSession } from '@plugd/protocol';

/**
 * What plugd carries from one plugin to the others: the shell's working directory, as
 * the last `run` observation reported it (`extras.metadata.working_dir`). OpenHands runs
 * python cells and resolves relative file paths there; plugd's plugins get it in `run`
 * params (`session.cwd`) without knowing about each other.
 */
export class SessionState {
  private cwd: string | undefined;

  observe(observation: Observation): void {
    if (observation.observation !== 'run') return;
    const metadata = (observation.extras as { metadata?: { working_dir?: unknown } }).metadata;
    const dir = metadata?.working_dir;
    if (typeof dir === 'string' && dir.startsWith('/')) this.cwd = dir;
  }

  params(): RunSession | undefined {
    return this.cwd ? { cwd: this.cwd } : undefined;
  }
}
