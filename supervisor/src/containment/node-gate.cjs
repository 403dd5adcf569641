// @ts-check
/**
 * The Node gate: the first preload (`node --require <this file> ...`) of a Node plugin
 * that enters its cgroup without the sh wrapper (docs/containment.md). plugd writes the
 * plugin's pid into the cgroup's `cgroup.procs` files right after the spawn while Node
 * boots; this file then holds the process, before any plugin code runs, until
 * /proc/self/cgroup shows it in every hierarchy of its generation's cgroup. Plain
 * CommonJS with no imports but node:fs: it runs on every Node plugin start.
 *
 * PLUGD_CGROUP_GATE (JSON): {"cgroups": [[key, path], ...], "waitMs": n}, key "" for the
 * v2 line, else a v1 controller. Absent (a child that inherited `--require` through
 * fork(), which deleted it first): nothing to do, the child is in its parent's cgroup.
 */
'use strict';

const GATE_ENV = 'PLUGD_CGROUP_GATE';
const KILL_ENV = 'PLUGD_CGROUP_KILL';
const PID_ENV = 'PLUGD_CGROUP_PID';

const spec = process.env[GATE_ENV];
if (spec !== undefined) {
  // Gone before any plugin code runs: the plugin's children never see it.
  delete process.env[GATE_ENV];
  waitForCgroup(spec);
  // As the sh wrapper's `PLUGD_CGROUP_PID=$$`: the kill file is this very process's to use.
  if (process.env[KILL_ENV] !== undefined) process.env[PID_ENV] = String(process.pid);
}

/** @param {string} spec */
function waitForCgroup(spec) {
  const fs = require('node:fs');
  /** @type {{ cgroups: [string, string][], waitMs: number }} */
  let want;
  try {
    want = JSON.parse(spec);
    if (!Array.isArray(want.cgroups) || want.cgroups.length === 0 || typeof want.waitMs !== 'number') throw new Error('bad shape');
  } catch {
    return refuse(`${GATE_ENV} is not what plugd writes`);
  }
  const deadline = Date.now() + want.waitMs;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  // Usually already true: plugd's write ends while Node boots. Short naps at first, then
  // longer ones, so a slow move on a loaded machine costs little CPU.
  for (let round = 0; ; round++) {
    if (inside(fs, want.cgroups)) return;
    if (Date.now() >= deadline) return refuse(`not in ${want.cgroups[0]?.[1]} after ${want.waitMs} ms`);
    Atomics.wait(sleeper, 0, 0, round < 200 ? 1 : 10);
  }
}

/**
 * @param {typeof import('node:fs')} fs
 * @param {[string, string][]} cgroups
 */
function inside(fs, cgroups) {
  let text;
  try {
    text = fs.readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return false;
  }
  /** @type {Map<string, string>} */
  const paths = new Map();
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    for (const key of line.slice(first + 1, second).split(',')) paths.set(key, line.slice(second + 1));
  }
  return cgroups.every(([key, path]) => paths.get(key) === path);
}

/** @param {string} why */
function refuse(why) {
  // As the sh wrapper: exit 125 with one line, and no plugin code has run.
  require('node:fs').writeSync(2, `plugd: cannot move the plugin into its cgroup (${why})\n`);
  process.exit(125);
}
