/** The pure choice between the Node gate and the sh wrapper, over many command shapes; and how programs are identified on disk. */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { decideGate } from '../src/containment/gate-decision.js';
import type { ProgramKind } from '../src/containment/gate-decision.js';
import { programKind } from '../src/containment/exec-identity.js';
import { nodePermissionArgs, setprivArgs } from '../src/process/spawn-command.js';
import { StartingGenerations } from '../src/containment/starting-generations.js';

/** Programs as the probe would resolve them: real Node binaries, the real launchers, and everything else. */
const KINDS: Record<string, ProgramKind> = {
  node: 'node',
  '/usr/bin/node': 'node',
  '/opt/node-v22/bin/node': 'node',
  taskset: 'taskset',
  '/usr/bin/taskset': 'taskset',
  nice: 'nice',
  ionice: 'ionice',
  chrt: 'chrt',
  setpriv: 'setpriv',
};
const kind = (program: string): ProgramKind => KINDS[program];
const decide = (command: string[], env: Record<string, string> = { PATH: '/usr/bin' }) => decideGate(command, env, kind);
const gateAt = (command: string[], env?: Record<string, string>) => {
  const d = decide(command, env);
  return d.gate ? d.nodeAt : `sh: ${d.why}`;
};
const nobody = { user: 'nobody', uid: 65534, gid: 65534, groups: [65534], home: '/' };

describe('the Node gate is used', () => {
  it.each([
    [['node', 'plugin.mjs'], 0],
    [['/usr/bin/node', 'plugin.mjs', '--inspect', '--loader', 'x'], 0], // after the script: the script's own arguments
    [['/opt/node-v22/bin/node', '--enable-source-maps', '--max-old-space-size=512', '--stack-size', '2000', 'p.js'], 0],
    [['node', '-r', './register.cjs', '--require=./b.cjs', '--import', './hooks.mjs', 'p.mjs'], 0],
    [['node', '-e', 'require("./p")'], 0],
    [['node', '--input-type=module', '-p', '1 + 1'], 0],
    [['node', '--no-warnings', '--disable-warning', 'ExperimentalWarning', '--conditions=dev', '-C', 'x', '--', 'p.js'], 0],
    [['node'], 0], // reads its program from stdin, after the preloads
    [['taskset', '-c', '1', 'node', 'p.mjs'], 3],
    [['/usr/bin/taskset', '--cpu-list', '0-3,6', 'node', 'p.mjs'], 3],
    [['taskset', '0x3', 'node', 'p.mjs'], 2],
    [['nice', 'node', 'p.mjs'], 1],
    [['nice', '-n', '10', 'node', 'p.mjs'], 3],
    [['nice', '--adjustment=-5', 'node', 'p.mjs'], 2],
    [['ionice', '-c', '3', 'node', 'p.mjs'], 3],
    [['ionice', '-c', 'best-effort', '-n', '7', '-t', 'node', 'p.mjs'], 6],
    [['chrt', '-i', '0', 'node', 'p.mjs'], 3],
    [['chrt', '--fifo', '-R', '10', 'node', 'p.mjs'], 4],
    [['chrt', '5', 'node', 'p.mjs'], 2],
    [['setpriv', '--nnp', '--', 'node', 'p.mjs'], 3],
    [['nice', '-n', '5', 'taskset', '-c', '1', 'ionice', '-c', '2', 'node', 'p.mjs'], 9],
  ])('%j: node at %i', (command, at) => {
    expect(gateAt(command)).toBe(at);
  });

  it("behind plugd's own setpriv (the `user` option), taskset inside it, and says the user changes", () => {
    const command = ['setpriv', ...setprivArgs(nobody), '--', 'taskset', '-c', '1', 'node', 'p.mjs'];
    expect(decide(command)).toEqual({ gate: true, nodeAt: command.indexOf('node'), changesUser: true });
    expect(decide(['taskset', '-c', '1', 'node', 'p.mjs'])).toMatchObject({ changesUser: false });
  });

  it('with an empty NODE_OPTIONS', () => {
    expect(gateAt(['node', 'p.mjs'], { NODE_OPTIONS: ' ' })).toBe(0);
  });
});

describe('the sh wrapper is kept', () => {
  it.each([
    // not a Node binary at the end of the chain
    [['python3', 'tool.py'], /python3 is not a Node binary/],
    [['/home/me/.asdf/shims/node', 'p.mjs'], /node is not a Node binary/], // a script that forks before it execs node
    [['bash', '-c', 'exec node p.mjs'], /bash is not/],
    [['env', 'node', 'p.mjs'], /env is not/], // env may change the environment
    [['taskset', '-c', '1', 'python3', 'x.py'], /python3 is not/],
    [['taskset', '-c', '1', 'taskset', '-c', '1', 'taskset', '-c', '1', 'taskset', '-c', '1', 'taskset', '-c', '1', 'node', 'p.mjs'], /more than 4 launchers/],
    // launcher arguments it cannot be sure of
    [['taskset', '-p', '1', 'node'], /taskset arguments/],
    [['taskset', '-a', '-c', '1', 'node', 'p.mjs'], /taskset arguments/],
    [['taskset', '-c', '1'], /taskset arguments/], // no command
    [['taskset', '-c', 'node', 'p.mjs'], /taskset arguments/], // "node" as the CPU list
    [['taskset', '-c', '1', '--', 'node', 'p.mjs'], /taskset arguments/],
    [['taskset', '-c1', 'node', 'p.mjs'], /taskset arguments/],
    [['nice', '-5', 'node', 'p.mjs'], /nice arguments/],
    [['nice', '-n', 'x', 'node', 'p.mjs'], /nice arguments/],
    [['ionice', '-p', '1', 'node'], /ionice arguments/],
    [['ionice', '-c3', 'node', 'p.mjs'], /ionice arguments/],
    [['chrt', '-d', '--sched-runtime', '1', '0', 'node', 'p.mjs'], /chrt arguments/],
    [['chrt', '-o', 'node', 'p.mjs'], /chrt arguments/],
    [['setpriv', '--reset-env', '--', 'node', 'p.mjs'], /setpriv arguments/], // drops the gate's variable
    [['setpriv', '--reuid', '65534', '--', 'node', 'p.mjs'], /setpriv arguments/],
    [['setpriv', '--inh-caps=-all', '--', 'node', 'p.mjs'], /setpriv arguments/],
    // Node options that run code before the first preload, or that are not known
    [['node', '--experimental-loader', './hooks.mjs', 'p.mjs'], /--experimental-loader/],
    [['node', '--loader=./hooks.mjs', 'p.mjs'], /--loader/],
    [['node', '--snapshot-blob', 'snap.blob', 'p.mjs'], /--snapshot-blob/],
    [['node', '--build-snapshot', 'p.mjs'], /--build-snapshot/],
    [['node', '--env-file=.env', 'p.mjs'], /--env-file/], // may set NODE_OPTIONS
    [['node', '--experimental-config-file', 'node.config.json', 'p.mjs'], /--experimental-config-file/],
    [['node', '--inspect', 'p.mjs'], /--inspect/],
    [['node', '--watch', 'p.mjs'], /--watch/], // forks the script
    [['node', '--run', 'start'], /--run/], // runs a package.json script through a shell
    [['node', '--test'], /--test/],
    [['node', '--openssl-config=/etc/x.cnf', 'p.mjs'], /--openssl-config/],
    [['node', '-pe', '1'], /-pe/],
    [['node', '--max_old_space_size=512', 'p.js'], /--max_old_space_size/],
    [['node', '--no-warnings=1', 'p.js'], /--no-warnings=1/],
    [['node', '-r'], /-r without its value/],
    // Node's permission model refuses the gate's own reads
    [['node', ...nodePermissionArgs({ flag: '--permission', fsRead: ['/p'], fsWrite: [], childProcess: false, worker: false }), 'p.mjs'], /--permission/],
    [['node', '--experimental-permission', 'p.mjs'], /--experimental-permission/],
  ])('%j', (command, why) => {
    expect(gateAt(command)).toMatch(why);
  });

  it.each([
    [{ NODE_OPTIONS: '--require ./evil.cjs' }, /NODE_OPTIONS is set/],
    [{ NODE_COMPILE_CACHE: '/tmp/cache' }, /NODE_COMPILE_CACHE/],
    [{ OPENSSL_CONF: '/etc/evil.cnf' }, /OPENSSL_CONF/],
    [{ OPENSSL_MODULES: '/opt/providers' }, /OPENSSL_MODULES/],
  ])('with %j in the environment', (env, why) => {
    expect(gateAt(['taskset', '-c', '1', 'node', 'p.mjs'], { PATH: '/usr/bin', ...env })).toMatch(why);
  });
});

describe('what a program on the command line really is (on disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugd-kind-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const exe = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
    return join(dir, name);
  };

  it('is node for the Node running plugd, however it is named or linked, found on PATH or by path', () => {
    symlinkSync(process.execPath, join(dir, 'mynode'));
    expect(programKind(join(dir, 'mynode'), '/', undefined)).toBe('node');
    expect(programKind('mynode', '/', `/nonexistent:${dir}`)).toBe('node');
    expect(programKind(process.execPath, '/', undefined)).toBe('node');
  });

  it('is node for another ELF executable named node; not for a script named node (a version manager shim)', () => {
    copyFileSync('/bin/true', join(dir, 'node22')); // any ELF file: the name says node
    chmodSync(join(dir, 'node22'), 0o755);
    expect(programKind(join(dir, 'node22'), '/', undefined)).toBe('node');
    const shimDir = join(dir, 'shims');
    mkdirSync(shimDir);
    writeFileSync(join(shimDir, 'node'), '#!/bin/sh\nexec node "$@"\n');
    chmodSync(join(shimDir, 'node'), 0o755);
    expect(programKind('node', '/', shimDir)).toBeUndefined();
    expect(programKind(exe('node-script', '#!/usr/bin/env node\n'), '/', undefined)).toBeUndefined();
  });

  it('is a launcher only when the real file is that ELF tool: not a link of that name to another program', () => {
    const taskset = programKind('taskset', '/', process.env['PATH']);
    if (taskset !== undefined) expect(taskset).toBe('taskset'); // util-linux installed (CI has it)
    symlinkSync('/bin/true', join(dir, 'taskset'));
    expect(programKind(join(dir, 'taskset'), '/', undefined)).toBeUndefined();
    expect(programKind(exe('nice', '#!/bin/sh\nexec "$@"\n'), '/', undefined)).toBeUndefined();
  });

  it('is nothing for what cannot be run', () => {
    expect(programKind('no-such-program-anywhere', '/', process.env['PATH'])).toBeUndefined();
    writeFileSync(join(dir, 'not-executable'), '');
    expect(programKind(join(dir, 'not-executable'), '/', undefined)).toBeUndefined();
  });
});

describe('StartingGenerations', () => {
  it('takes the gate only for a start on its own: while another generation starts, the sh wrapper', () => {
    const starting = new StartingGenerations();
    expect(starting.begin()).toBe(true); // alone
    expect(starting.begin()).toBe(false); // a second one while the first starts
    starting.end();
    starting.end();
    expect(starting.begin()).toBe(true); // both started: alone again
    starting.end();
    starting.end(); // an extra end (a start that failed after it was counted) never goes below zero
    expect(starting.begin()).toBe(true);
  });
});
