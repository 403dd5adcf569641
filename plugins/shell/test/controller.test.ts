import { describe, expect, test } from '@jest/globals';
import { ShellController } from '../src/controller.js';
import type { ExecuteRequest } from '../src/controller.js';
import type { ShellEvents, TerminalShell } from '../src/pty-shell.js';

/** An in-memory terminal: records what is typed; the test plays bash (output, prompt, exit). */
class FakeShell implements TerminalShell {
  readonly pid = 4242;
  exited = false;
  unread = '';
  commands: string[] = [];
  typed: string[] = [];
  constructor(readonly events: ShellEvents) {}
  whenReady() {
    return Promise.resolve();
  }
  takeUnread() {
    const text = this.unread;
    this.unread = '';
    return { text, dropped: false };
  }
  runCommand(command: string) {
    this.commands.push(command);
  }
  type(text: string) {
    this.typed.push(text);
  }
  kill() {
    this.exited = true;
  }
  print(text: string) {
    this.unread += text;
    this.events.onOutput(text);
  }
  prompt(exitCode: number, workingDir = '/work') {
    this.events.onPrompt({ exitCode, pid: -1, pyInterpreterPath: '/usr/bin/python', workingDir });
  }
  exit(code: number) {
    this.exited = true;
    this.events.onExit(code);
  }
}

function setup(noChangeSeconds = 0.05) {
  const shells: FakeShell[] = [];
  const cwds: string[] = [];
  const controller = new ShellController('/start', {}, 'root', noChangeSeconds, (d) => cwds.push(d), (_cwd, _env, events) => {
    const shell = new FakeShell(events);
    shells.push(shell);
    return shell;
  });
  const shell = () => shells[shells.length - 1]!;
  const run = (command: string, extra: Partial<ExecuteRequest> = {}) =>
    controller.execute({ command, isInput: false, blocking: false, hidden: false, deadline: Date.now() + 10_000, signal: new AbortController().signal, ...extra });
  return { controller, shells, shell, run, cwds };
}

const md = (obs: { extras: Record<string, unknown> }) => obs.extras['metadata'] as Record<string, any>;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ShellController (OpenHands BashSession states over a fake terminal)', () => {
  test('nothing running: an empty command or is_input get OpenHands\' errors and type nothing', async () => {
    const { run, shell } = setup();
    expect((await run('')).content).toBe('ERROR: No previous running command to retrieve logs from.');
    expect((await run('y', { isInput: true })).content).toBe('ERROR: No previous running command to interact with.');
    expect(shell().commands).toEqual([]);
    expect(shell().typed).toEqual([]);
  });

  test('a command completes at its prompt with exit code, cwd and the completed suffix', async () => {
    const { run, shell, cwds } = setup();
    const pending = run('ls');
    await tick();
    expect(shell().commands).toEqual(['ls']);
    shell().print('a\r\nb\r\n');
    shell().prompt(0, '/work/sub');
    const obs = await pending;
    expect(obs.content).toBe('a\nb');
    expect(md(obs)).toMatchObject({ exit_code: 0, working_dir: '/work/sub', prefix: '', suffix: '\n[The command completed with exit code 0.]' });
    expect(cwds).toEqual(['/work/sub']);
  });

  test('soft timeout, refused command, continue, Ctrl-C: the running command is kept until it ends', async () => {
    const { run, shell } = setup();
    const first = run('server');
    await tick();
    shell().print('listening\r\n');
    const soft = await first;
    expect(soft.content).toBe('listening');
    expect(md(soft).exit_code).toBe(-1);
    expect(md(soft).prefix).toBe('');
    expect(md(soft).suffix).toContain('[The command has no new output after 0.05 seconds.');

    const refused = await run('ls');
    expect(shell().commands).toEqual(['server']);
    expect(md(refused).prefix).toBe('[Below is the output of the previous command.]\n');
    expect(md(refused).suffix).toContain('[Your command "ls" is NOT executed.');

    shell().print('request 1\r\n');
    const more = await run('');
    expect(more.content).toBe('request 1');
    expect(md(more).prefix).toBe('[Below is the output of the previous command.]\n');

    const stop = run('C-c', { isInput: true });
    await tick();
    expect(shell().typed).toEqual(['\x03']);
    shell().prompt(130);
    const stopped = await stop;
    expect(md(stopped).exit_code).toBe(130);
    expect(md(stopped).suffix).toBe('\n[The command completed with exit code 130. CTRL+C was sent.]');
    expect((await run('')).content).toBe('ERROR: No previous running command to retrieve logs from.');
  });

  test('is_input text is typed with Enter; the hard timeout reports the real seconds', async () => {
    const { run, shell } = setup(60);
    const first = run('ask', { hardTimeoutSec: 0.1 });
    await tick();
    shell().print('name? ');
    const asked = await first;
    expect(asked.content).toBe('name?');
    expect(md(asked).suffix).toContain('[The command timed out after 0.1 seconds.');
    const answer = run('bob', { isInput: true });
    await tick();
    expect(shell().typed).toEqual(['bob\r']);
    shell().print('hi bob\r\n');
    shell().prompt(0);
    expect((await answer).content).toBe('hi bob');
  });

  test('a command that ended between actions: the empty command collects it', async () => {
    const { run, shell } = setup();
    const first = run('job');
    await tick();
    shell().print('1\r\n');
    await first;
    shell().print('2\r\n');
    shell().prompt(3);
    const done = await run('');
    expect(done.content).toBe('2');
    expect(md(done).exit_code).toBe(3);
  });

  test('several commands on separate lines are refused with the list; nothing is typed', async () => {
    const { run, shell } = setup();
    const obs = await run('ls\npwd');
    expect(obs.observation).toBe('error');
    expect(obs.content).toBe(
      'ERROR: Cannot execute multiple commands at once.\nPlease run each command separately OR chain them into a single command via && or ;\nProvided commands:\n(1) ls\n(2) pwd',
    );
    expect(shell().commands).toEqual([]);
  });

  test('bash exiting ends the command; the next one runs in a new shell that says it was restarted', async () => {
    const { run, shell, shells } = setup();
    const pending = run('exit 7');
    await tick();
    shell().exit(7);
    expect(md(await pending).exit_code).toBe(7);
    const next = run('pwd');
    await tick();
    expect(shells).toHaveLength(2);
    shell().print('/start\r\n');
    shell().prompt(0, '/start');
    const obs = await next;
    expect(md(obs).prefix).toMatch(/^\[The shell was restarted \(bash exited with code 7\)/);
    const after = run('true');
    await tick();
    shell().prompt(0);
    expect(md(await after).prefix).toBe('');
  });

  test('a cancel sends Ctrl-C and waits for its prompt, so the next command runs instead of being refused as still running', async () => {
    const { run, shell } = setup(30);
    const abort = new AbortController();
    const pending = run('sleep 30', { signal: abort.signal });
    await tick();
    abort.abort();
    expect(shell().typed).toEqual(['\x03']);
    // bash answers Ctrl-C with its prompt a little later.
    setTimeout(() => shell().prompt(130), 50);
    expect(md(await pending).exit_code).toBe(130);
    const next = run('echo after');
    await tick();
    expect(shell().commands).toEqual(['sleep 30', 'echo after']);
    shell().print('after\r\n');
    shell().prompt(0);
    expect((await next).content).toBe('after');
  });
});
