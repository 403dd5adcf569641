/**
 * Action type -> plugin name, built from the plugins' `initialize` answers. A type
 * claimed by two plugins goes to the one `routes` names; unsettled, the first
 * claimant keeps it and the later one gets a conflict message.
 */
export class RouteTable {
  private readonly table = new Map<string, string>();

  constructor(private readonly overrides: Readonly<Record<string, string>>) {}

  lookup(type: string): string | undefined {
    return this.table.get(type);
  }

  types(): string[] {
    return [...this.table.keys()].sort();
  }

  entries(): Record<string, string> {
    return Object.fromEntries([...this.table.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Sets `plugin`'s routes to `actions` (dropping types it no longer handles). */
  claim(plugin: string, actions: readonly string[]): string | undefined {
    const wanted = new Set(actions);
    for (const [type, owner] of this.table) {
      if (owner === plugin && !wanted.has(type)) this.table.delete(type);
    }
    const conflicts: string[] = [];
    for (const type of wanted) {
      const owner = this.table.get(type);
      const override = this.overrides[type];
      if (override !== undefined) {
        if (override === plugin) this.table.set(type, plugin);
        continue;
      }
      if (owner === undefined || owner === plugin) this.table.set(type, plugin);
      else conflicts.push(`action type "${type}" is also handled by plugin "${owner}"; settle it with "routes": {"${type}": "${owner}"} (or "${plugin}") in the config`);
    }
    return conflicts.length > 0 ? `route conflict: ${conflicts.join('; ')}` : undefined;
  }

  release(plugin: string): void {
    for (const [type, owner] of this.table) if (owner === plugin) this.table.delete(type);
  }
}
