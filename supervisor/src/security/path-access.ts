import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RunAs } from './run-as.js';

type Need = 'read' | 'execute' | 'search';

/**
 * What stops `who` from using `path` (every folder above it must be searchable, the
 * path itself readable/executable), or undefined. Checked from plugd's side, as root,
 * from the mode bits: access(2) would answer for root. ACLs are not read: when a folder
 * is open to the user only by an ACL, this errs on the side of a false refusal.
 */
export function accessProblem(target: string, who: RunAs, need: Need): string | undefined {
  const path = resolve(target);
  const chain: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    if (!allowed(dir, who, 'search')) return `folder ${dir} is not searchable by user ${who.user} (uid ${who.uid}), so it cannot reach ${path}; give it o+x (chmod o+x ${dir}) or move the plugin somewhere that user can reach`;
  }
  if (!allowed(path, who, need)) {
    const bit = need === 'read' ? 'r' : 'x';
    return `${path} is not ${need === 'read' ? 'readable' : need === 'execute' ? 'executable' : 'searchable'} by user ${who.user} (uid ${who.uid}); give it o+${bit} or change its owner`;
  }
  return undefined;
}

function allowed(path: string, who: RunAs, need: Need): boolean {
  let st;
  try {
    st = statSync(path);
  } catch {
    return true; // a missing path is reported by whoever opens it, with its own error
  }
  const bit = need === 'read' ? 4 : 1;
  if (who.uid === 0) return need === 'read' || need === 'search' || (st.mode & 0o111) !== 0;
  if (st.uid === who.uid) return ((st.mode >> 6) & bit) !== 0;
  if (who.groups.includes(st.gid)) return ((st.mode >> 3) & bit) !== 0;
  return (st.mode & bit) !== 0;
}
