import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { findExecutable } from '../config/find-executable.js';
import { isLauncherName } from './exec-launchers.js';
import type { ProgramKind } from './gate-decision.js';

/** Node's names for itself: node, nodejs, node20, node22.1. */
const NODE_NAME = /^node(js)?(\d+(\.\d+)*)?$/;

let ownNode: string | undefined;

/**
 * What `program` execs as when run with `PATH` in `cwd` (as spawn and the launchers
 * look it up): 'node' when the file it resolves to (symlinks followed) is the Node
 * running plugd, or an ELF executable named like node; a launcher's name when it is an
 * ELF executable of that name. A script (an asdf or nvm shim forks before it execs
 * node) or a multi-call binary (busybox) is neither.
 */
export function programKind(program: string, cwd: string, path: string | undefined): ProgramKind {
  const found = findExecutable(program, cwd, path);
  if (!found) return undefined;
  let real: string;
  try {
    real = realpathSync(found);
    ownNode ??= realpathSync(process.execPath);
  } catch {
    return undefined;
  }
  if (real === ownNode) return 'node';
  if (!isElf(real)) return undefined;
  const name = basename(real);
  if (NODE_NAME.test(name)) return 'node';
  return isLauncherName(name) ? name : undefined;
}

function isElf(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(ELF_MAGIC);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
