/** A plugin and the plugins it depends on. */
export interface DependencyNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * Start order: every plugin after the ones it depends on (stop order is the reverse).
 * Returns the cycle, as a path that starts and ends with the same name, if there is one.
 */
export function dependencyOrder(nodes: readonly DependencyNode[]): { order: string[] } | { cycle: string[] } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const order: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (done.has(name)) return undefined;
    const at = path.indexOf(name);
    if (at >= 0) return [...path.slice(at), name];
    path.push(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(name);
    order.push(name);
    return undefined;
  };
  for (const node of nodes) {
    const cycle = visit(node.name);
    if (cycle) return { cycle };
  }
  return { order };
}
