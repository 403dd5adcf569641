/**
 * Counting both sides of an action stream: what the callers got back and what the
 * plugin processes received (each fixture appends the key of every action it runs to
 * a file, one line each, before running it). A promise resolves once, so counting
 * answers after an `await` proves nothing; comparing the two sides does.
 */
import { existsSync, readFileSync } from 'node:fs';

export class ActionLedger {
  private readonly pending = new Set<string>();
  private readonly answers = new Map<string, string[]>();

  /** The caller sent action `key`. */
  sent(key: string): void {
    this.pending.add(key);
  }

  /** The caller got `outcome` ("ok" or an error_id) for action `key`. */
  answered(key: string, outcome: string): void {
    this.pending.delete(key);
    const got = this.answers.get(key) ?? [];
    got.push(outcome);
    this.answers.set(key, got);
  }

  get unanswered(): string[] {
    return [...this.pending];
  }

  outcome(key: string): string | undefined {
    return this.answers.get(key)?.[0];
  }

  /**
   * Awaits `work`, or fails after `ms` naming the actions still unanswered (instead of
   * a bare jest timeout).
   */
  async settle(work: Promise<unknown>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const left = this.unanswered;
        reject(new Error(`${left.length} action(s) still unanswered after ${ms} ms: ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', ...' : ''}`));
      }, ms);
    });
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Problems found comparing the two sides, as readable lines (empty when all is well):
   * an action answered other than exactly once, run twice by the plugins, answered "ok"
   * without any plugin having received it, or received but never sent.
   */
  problems(receivedKeys: readonly string[]): string[] {
    const problems: string[] = [];
    const received = new Map<string, number>();
    for (const key of receivedKeys) received.set(key, (received.get(key) ?? 0) + 1);
    for (const key of this.pending) problems.push(`action ${key} was never answered`);
    for (const [key, got] of this.answers) {
      if (got.length !== 1) problems.push(`action ${key} was answered ${got.length} times: ${got.join(', ')}`);
      const runs = received.get(key) ?? 0;
      if (runs > 1) problems.push(`action ${key} ran ${runs} times on the plugin side`);
      if (got[0] === 'ok' && runs === 0) problems.push(`action ${key} was answered ok but no plugin received it`);
    }
    for (const key of received.keys()) if (!this.answers.has(key)) problems.push(`the plugins received action ${key}, which was never sent`);
    return problems;
  }
}

/** The keys a fixture appended to `file` (one per line). */
export function receivedKeys(...files: string[]): string[] {
  return files.flatMap((file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []));
}
