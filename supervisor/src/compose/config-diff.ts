import type { PluginOptions } from '../config/types.js';

export interface ConfigDiff {
  readonly added: PluginOptions[];
  readonly removed: string[];
  readonly changed: PluginOptions[];
  readonly unchanged: string[];
}

/** Plugins by name: new, gone, with any option changed, and the same. */
export function diffPlugins(before: readonly PluginOptions[], after: readonly PluginOptions[]): ConfigDiff {
  const old = new Map(before.map((p) => [p.name, p]));
  const diff: ConfigDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const plugin of after) {
    const previous = old.get(plugin.name);
    if (!previous) diff.added.push(plugin);
    else if (JSON.stringify(previous) !== JSON.stringify(plugin)) diff.changed.push(plugin);
    else diff.unchanged.push(plugin.name);
    old.delete(plugin.name);
  }
  diff.removed.push(...old.keys());
  return diff;
}
