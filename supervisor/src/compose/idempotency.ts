import type { Action, IdempotentRule } from '@plugd/protocol';

/** The plugin's own rules (its initialize result) with the config's additions and removals. */
export function effectiveRules(declared: readonly IdempotentRule[], config: { readonly add: readonly IdempotentRule[]; readonly remove: readonly string[] }): IdempotentRule[] {
  const removed = new Set(config.remove);
  return [...declared, ...config.add].filter((rule) => !removed.has(ruleType(rule)));
}

/** Whether `action` may be run a second time: some rule names its type and every argument value it lists matches. */
export function isIdempotent(rules: readonly IdempotentRule[], action: Action): boolean {
  return rules.some((rule) => {
    if (typeof rule === 'string') return rule === action.action;
    if (rule.action !== action.action) return false;
    const args = action.args as Record<string, unknown>;
    return Object.entries(rule.args ?? {}).every(([key, values]) => values.some((v) => v === args[key]));
  });
}

function ruleType(rule: IdempotentRule): string {
  return typeof rule === 'string' ? rule : rule.action;
}
