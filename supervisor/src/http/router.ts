import { HttpError } from './http-types.js';
import type { Route } from './http-types.js';

interface Compiled {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
}

/** Matches method + path to a route; `:name` segments become params. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.compiled) {
      const m = pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = decodeSegment(m[i + 1]!)));
      return { route, params };
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }

  describe(): string[] {
    return this.compiled.map(({ route }) => `${route.method} ${route.path}`);
  }
}

/** A malformed `%` escape is the caller's mistake: 400, never a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, { detail: `the path segment "${segment}" has a malformed % escape; encode "%" as %25` });
  }
}
