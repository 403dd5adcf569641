/**
 * OpenHands' tests/runtime/test_bash.py, ported black-box: the same commands and
 * assertions, over plugd's HTTP API. Timeouts are shorter than OpenHands' to keep the suite
 * fast; the behaviour checked is the same. Two runtimes, as OpenHands' tests load theirs:
 * NO_CHANGE_TIMEOUT_SECONDS 10 for most (a silent command on a loaded machine stays well
 * inside it) and 2 for the cases that wait for the soft timeout on purpose.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:net';
import { stopAllPlugd } from '../helpers/plugd-process.js';
import { exitCode, loadRuntime, md, timeoutSuffix } from './runtime.js';
import type { Obs, Runtime } from './runtime.js';

let rt: Runtime;
let general: Runtime;
let soft: Runtime;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  [general, soft] = await Promise.all([loadRuntime({ noChangeTimeoutSeconds: 10 }), loadRuntime({ noChangeTimeoutSeconds: 2 })]);
  rt = general;
});

afterAll(async () => {
  await Promise.all([general?.close(), soft?.close()]);
  await stopAllPlugd();
});

/** Each OpenHands test has a fresh runtime: an idle shell in an empty workspace. */
async function fresh(runtime: Runtime): Promise<void> {
  const clean = `cd ${runtime.workspace} && rm -rf ./* ./.[!.]* 2>/dev/null; true`;
  const obs = await runtime.run(clean, { blocking: true, timeout: 60 });
  if (md(obs).exit_code !== 0) {
    await runtime.run('C-c', { isInput: true, timeout: 10 });
    await runtime.run(clean, { blocking: true, timeout: 60 });
  }
}

beforeEach(async () => {
  rt = general;
  await fresh(general);
});

/** The cases that wait for the soft timeout on purpose run on the 2 s runtime. */
async function useSoft(): Promise<void> {
  rt = soft;
  await fresh(soft);
}

/**
 * On a loaded machine python can take more than the test's 1 s to print its banner; the
 * command keeps running, so the banner is then read with empty commands (OpenHands' way).
 */
async function bannerOf(first: Obs): Promise<string> {
  let seen = first.content;
  for (let i = 0; i < 20 && !seen.includes('Serving HTTP on'); i++) seen += (await rt.run('', { timeout: 1 })).content;
  return seen;
}

describe('test_bash.py', () => {
  test('test_bash.py::test_bash_server', async () => {
    const port = await freePort();
    let obs = await rt.run(`python -u -m http.server ${port}`, { timeout: 1 });
    expect(exitCode(obs)).toBe(-1);
    expect(md(obs).suffix).toContain(timeoutSuffix('1.0'));
    expect(await bannerOf(obs)).toContain('Serving HTTP on');
    obs = await rt.run('C-c', { isInput: true, timeout: 30 });
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('Keyboard interrupt received, exiting.');
    expect(md(obs).working_dir).toContain(rt.workspace);
    obs = await rt.run('ls', { timeout: 3 });
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).not.toContain('Keyboard interrupt received, exiting.');
    expect(md(obs).working_dir).toContain(rt.workspace);
    obs = await rt.run(`python -u -m http.server ${port}`, { timeout: 1 });
    expect(exitCode(obs)).toBe(-1);
    expect(await bannerOf(obs)).toContain('Serving HTTP on');
    await rt.run('C-c', { isInput: true, timeout: 10 });
  });

  test('test_bash.py::test_bash_background_server', async () => {
    const port = await freePort();
    let obs = await rt.run(`python3 -m http.server ${port} &`);
    expect(exitCode(obs)).toBe(0);
    // OpenHands sleeps 1 s here; poll instead (loaded machine).
    obs = await rt.run(`for i in $(seq 1 50); do curl -s http://localhost:${port} && break; sleep 0.2; done`, { timeout: 20 });
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('Directory listing for');
    obs = await rt.run(`pkill -f "http.server ${port}"`);
    expect(exitCode(obs)).toBe(0);
  });

  test('test_bash.py::test_multiline_commands', async () => {
    let obs = await rt.run('echo \\\n -e "foo"');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('foo');
    obs = await rt.run('echo -e "hello\nworld"');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('hello\nworld');
    obs = await rt.run('echo -e "a\\n\\n\\nz"');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('\n\n\n');
  });

  test('test_bash.py::test_complex_commands', async () => {
    const cmd =
      'count=0; tries=0; while [ $count -lt 3 ]; do result=$(echo "Heads"); tries=$((tries+1)); echo "Flip $tries: $result"; if [ "$result" = "Heads" ]; then count=$((count+1)); else count=0; fi; done; echo "Got 3 heads in a row after $tries flips!";';
    const obs = await rt.run(cmd);
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('Got 3 heads in a row after 3 flips!');
  });

  test('test_bash.py::test_no_ps2_in_output', async () => {
    const obs = await rt.run('echo -e "hello\nworld"');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('hello\nworld');
    expect(obs.content).not.toContain('>');
  });

  test('test_bash.py::test_multiline_command_loop', async () => {
    const init = 'mkdir -p _modules && \\\nfor month in {01..04}; do\n    for day in {01..05}; do\n        touch "_modules/2024-${month}-${day}-sample.md"\n    done\ndone && echo "created files"\n';
    const follow =
      "for file in _modules/*.md; do\n    new_date=$(echo $file | sed -E 's/2024-(01|02|03|04)-/2024-/;s/2024-01/2024-08/;s/2024-02/2024-09/;s/2024-03/2024-10/;s/2024-04/2024-11/')\n    mv \"$file\" \"$new_date\"\ndone && echo \"success\"\n";
    let obs = await rt.run(init);
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('created files');
    obs = await rt.run(follow);
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('success');
  });

  test('test_bash.py::test_multiple_multiline_commands', async () => {
    const cmds = [
      'ls -l',
      'echo -e "hello\nworld"',
      `echo -e "hello it's me"`,
      "echo \\\n    -e 'hello' \\\n    world",
      "echo -e 'hello\\nworld\\nare\\nyou\\nthere?'",
      "echo -e 'hello\nworld\nare\nyou\n\nthere?'",
      `echo -e 'hello\nworld "'`,
    ];
    const obs = await rt.run(cmds.join('\n'));
    expect(obs.observation).toBe('error');
    expect(obs.content).toContain('Cannot execute multiple commands at once');
    const results: string[] = [];
    for (const cmd of cmds) {
      const one = await rt.run(cmd);
      expect(one.observation).toBe('run');
      expect(exitCode(one)).toBe(0);
      results.push(one.content);
    }
    expect(results[0]).toContain('total 0');
    expect(results[1]).toContain('hello\nworld');
    expect(results[2]).toContain("hello it's me");
    expect(results[3]).toContain('hello world');
    expect(results[4]).toContain('hello\nworld\nare\nyou\nthere?');
    expect(results[5]).toContain('hello\nworld\nare\nyou\n\nthere?');
    expect(results[6]).toContain('hello\nworld "');
  });

  test('test_bash.py::test_cmd_run', async () => {
    let obs = await rt.run(`ls -l ${rt.workspace}`);
    expect(exitCode(obs)).toBe(0);
    obs = await rt.run('ls -l');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('total 0');
    expect(exitCode(await rt.run('mkdir test'))).toBe(0);
    obs = await rt.run('ls -l');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('root');
    expect(obs.content).toContain('test');
    expect(exitCode(await rt.run('touch test/foo.txt'))).toBe(0);
    obs = await rt.run('ls -l test');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('foo.txt');
    expect(exitCode(await rt.run('rm -rf test'))).toBe(0);
  });

  test('test_bash.py::test_run_as_user_correct_home_dir', async () => {
    const obs = await rt.run('cd ~ && pwd');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('/root');
  });

  test('test_bash.py::test_multi_cmd_run_in_single_line', async () => {
    const obs = await rt.run('pwd && ls -l');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain(rt.workspace);
    expect(obs.content).toContain('total 0');
  });

  test('test_bash.py::test_stateful_cmd', async () => {
    expect(exitCode(await rt.run('mkdir -p test'))).toBe(0);
    expect(exitCode(await rt.run('cd test'))).toBe(0);
    const obs = await rt.run('pwd');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content.trim()).toContain(`${rt.workspace}/test`);
  });

  test('test_bash.py::test_failed_cmd', async () => {
    expect(exitCode(await rt.run('non_existing_command'))).not.toBe(0);
  });

  test('test_bash.py::test_git_operation', async () => {
    let obs = await rt.run('ls -alh .');
    expect(exitCode(obs)).toBe(0);
    expect(exitCode(await rt.run('git init'))).toBe(0);
    expect(exitCode(await rt.run('echo "hello" > test_file.txt'))).toBe(0);
    expect(exitCode(await rt.run('git config user.name "openhands" && git config user.email "openhands@all-hands.dev"'))).toBe(0);
    expect(exitCode(await rt.run('git config --list'))).toBe(0);
    expect(exitCode(await rt.run('git add test_file.txt'))).toBe(0);
    obs = await rt.run('git diff --no-color --cached');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('b/test_file.txt');
    expect(obs.content).toContain('+hello');
    expect(exitCode(await rt.run('git commit -m "test commit"'))).toBe(0);
  });

  test('test_bash.py::test_python_version', async () => {
    const obs = await rt.run('python --version');
    expect(obs.observation).toBe('run');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('Python 3');
  });

  test('test_bash.py::test_pwd_property', async () => {
    expect(exitCode(await rt.run('mkdir -p random_dir'))).toBe(0);
    const obs = await rt.run('cd random_dir && pwd');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('random_dir');
  });

  test('test_bash.py::test_basic_command', async () => {
    let obs = await rt.run("echo 'hello world'");
    expect(obs.content).toContain('hello world');
    expect(exitCode(obs)).toBe(0);
    obs = await rt.run('nonexistent_command');
    expect(exitCode(obs)).toBe(127);
    expect(obs.content).toContain('nonexistent_command: command not found');
    obs = await rt.run("echo 'hello   world    with\nspecial  chars'");
    expect(obs.content).toContain('hello   world    with\nspecial  chars');
    expect(exitCode(obs)).toBe(0);
    obs = await rt.run('echo "first" && echo "second" && echo "third"');
    for (const word of ['first', 'second', 'third']) expect(obs.content).toContain(word);
    expect(exitCode(obs)).toBe(0);
  });

  test('test_bash.py::test_interactive_command', async () => {
    await useSoft();
    let obs = await rt.run('read -p "Enter name: " name && echo "Hello $name"');
    expect(obs.content).toContain('Enter name:');
    expect(md(obs).suffix).toContain('[The command has no new output after 2 seconds.');
    obs = await rt.run('John', { isInput: true });
    expect(obs.content).toContain('Hello John');
    expect(md(obs).suffix).toContain('[The command completed with exit code 0.]');
    obs = await rt.run('cat << EOF\nline 1\nline 2\nEOF');
    expect(obs.content).toContain('line 1\nline 2');
    expect(md(obs).suffix).toContain('[The command completed with exit code 0.]');
    expect(exitCode(obs)).toBe(0);
  });

  test('test_bash.py::test_long_output', async () => {
    const obs = await rt.run('for i in $(seq 1 5000); do echo "Line $i"; done', { timeout: 10 });
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('Line 1');
    expect(obs.content).toContain('Line 5000');
  });

  test('test_bash.py::test_long_output_exceed_history_limit', async () => {
    const obs = await rt.run('for i in $(seq 1 50000); do echo "Line $i"; done', { timeout: 30 });
    expect(exitCode(obs)).toBe(0);
    expect(md(obs).prefix).toContain('Previous command outputs are truncated');
    expect(obs.content).toContain('Line 40000');
    expect(obs.content).toContain('Line 50000');
  });

  test('test_bash.py::test_long_output_from_nested_directories', async () => {
    const base = `${rt.workspace}/nested`;
    // The same tree as OpenHands' 10,000 `touch` processes, made by one (a minute of forks on a loaded
    // 2-core machine); blocking, as it can stay silent past this suite's 2 s NO_CHANGE_TIMEOUT_SECONDS.
    let obs = await rt.run(`mkdir -p ${base} && cd ${base} && mkdir -p folder_{1..100} && touch folder_{1..100}/file_{1..100}.txt`, { timeout: 60, blocking: true });
    expect(exitCode(obs)).toBe(0);
    obs = await rt.run(`ls -R ${base}`, { timeout: 60 });
    expect(exitCode(obs)).toBe(0);
    for (const name of ['folder_1', 'file_1.txt', 'folder_100', 'file_100.txt']) expect(obs.content).toContain(name);
  });

  test('test_bash.py::test_command_backslash', async () => {
    const base = `${rt.workspace}/bs`;
    let obs = await rt.run(`mkdir -p ${base} && echo "implemented_function" > ${base}/file_1.txt`);
    expect(exitCode(obs)).toBe(0);
    obs = await rt.run(`find ${base} -type f -exec grep -l "implemented_function" {} \\;`);
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain(`${base}/file_1.txt`);
  });

  test('test_bash.py::test_stress_long_output_with_soft_and_hard_timeout (one iteration of ten)', async () => {
    await useSoft();
    let obs = await rt.run(
      'read -p "Do you want to continue? [Y/n] " answer; if [[ $answer == "Y" ]]; then echo "Proceeding with operation..."; echo "Operation completed successfully!"; else echo "Operation cancelled."; exit 1; fi',
    );
    expect(obs.content).toContain('Do you want to continue?');
    expect(exitCode(obs)).toBe(-1);
    obs = await rt.run('Y', { isInput: true });
    expect(obs.content).toContain('Proceeding with operation...');
    expect(obs.content).toContain('Operation completed successfully!');
    expect(exitCode(obs)).toBe(0);
    expect(md(obs).suffix).toContain('[The command completed with exit code 0.]');
    obs = await rt.run(`export i=0; for j in $(seq 1 100); do echo "Line $j - Iteration $i - $(printf '%1000s' | tr " " "*")"; sleep 1; done`, { timeout: 2 });
    expect(exitCode(obs)).toBe(-1);
    expect(obs.content).toContain('Line 1 - Iteration 0');
    obs = await rt.run('ls');
    expect(exitCode(obs)).toBe(-1);
    expect(md(obs).suffix).toContain('The previous command is still running');
    obs = await rt.run('C-c', { isInput: true });
    expect(exitCode(obs)).toBe(130);
    obs = await rt.run('ls');
    expect(exitCode(obs)).toBe(0);
  });

  test('test_bash.py::test_command_output_continuation (1.5 s steps, 1.2 s timeout)', async () => {
    let obs = await rt.run('for i in {1..3}; do echo $i; sleep 1.5; done', { timeout: 1.2 });
    expect(obs.content.trim()).toBe('1');
    expect(md(obs).prefix).toBe('');
    expect(md(obs).suffix).toContain('[The command timed out after 1.2 seconds.');
    for (const expected of ['2', '3']) {
      obs = await rt.run('', { timeout: 1.2 });
      expect(md(obs).prefix).toContain('[Below is the output of the previous command.]');
      expect(obs.content.trim()).toBe(expected);
      expect(md(obs).suffix).toContain('[The command timed out after 1.2 seconds.');
    }
    obs = await rt.run('');
    expect(md(obs).suffix).toContain('[The command completed with exit code 0.]');
  });

  test('test_bash.py::test_long_running_command_follow_by_execute (1.5 s steps, 1.2 s timeout)', async () => {
    let obs = await rt.run('for i in {1..3}; do echo $i; sleep 1.5; done', { timeout: 1.2 });
    expect(obs.content).toContain('1');
    expect(md(obs).exit_code).toBe(-1);
    expect(md(obs).suffix).toContain('[The command timed out after 1.2 seconds.');
    expect(md(obs).prefix).toBe('');
    obs = await rt.run('', { timeout: 1.2 });
    expect(obs.content).toContain('2');
    expect(md(obs).prefix).toBe('[Below is the output of the previous command.]\n');
    expect(md(obs).suffix).toContain('[The command timed out after 1.2 seconds.');
    expect(md(obs).exit_code).toBe(-1);
    obs = await rt.run('sleep 15', { timeout: 1.2 });
    expect(obs.content).not.toContain('3');
    expect(md(obs).prefix).toBe('[Below is the output of the previous command.]\n');
    expect(md(obs).suffix).toContain('The previous command is still running');
    expect(md(obs).exit_code).toBe(-1);
    obs = await rt.run('');
    expect(obs.content).toContain('3');
    expect(md(obs).suffix).toContain('[The command completed with exit code 0.]');
  });

  test('test_bash.py::test_empty_command_errors', async () => {
    const obs = await rt.run('');
    expect(obs.observation).toBe('run');
    expect(obs.content).toContain('ERROR: No previous running command to retrieve logs from.');
  });

  const script = "name = input('Enter your name: '); age = input('Enter your age: '); print(f'Hello {name}, you are {age} years old')";

  test('test_bash.py::test_python_interactive_input', async () => {
    await useSoft();
    let obs = await rt.run(`python -c "${script}"`);
    expect(obs.content).toContain('Enter your name:');
    expect(md(obs).exit_code).toBe(-1);
    obs = await rt.run('Alice', { isInput: true });
    expect(obs.content).toContain('Enter your age:');
    expect(md(obs).exit_code).toBe(-1);
    obs = await rt.run('25', { isInput: true });
    expect(obs.content).toContain('Hello Alice, you are 25 years old');
    expect(md(obs).exit_code).toBe(0);
    expect(md(obs).suffix).toContain('[The command completed with exit code 0.]');
  });

  test('test_bash.py::test_python_interactive_input_without_set_input', async () => {
    await useSoft();
    let obs = await rt.run(`python -c "${script}"`);
    expect(obs.content).toContain('Enter your name:');
    expect(md(obs).exit_code).toBe(-1);
    obs = await rt.run('Alice', { isInput: false });
    expect(obs.content).not.toContain('Enter your age:');
    expect(md(obs).suffix).toContain('Your command "Alice" is NOT executed. The previous command is still running');
    expect(md(obs).exit_code).toBe(-1);
    obs = await rt.run('Alice', { isInput: true });
    expect(obs.content).toContain('Enter your age:');
    expect(md(obs).exit_code).toBe(-1);
    obs = await rt.run('25', { isInput: true });
    expect(obs.content).toContain('Hello Alice, you are 25 years old');
    expect(md(obs).exit_code).toBe(0);
    expect(md(obs).suffix).toContain('[The command completed with exit code 0.]');
  });

  test('test_bash.py::test_bash_remove_prefix', async () => {
    let obs = await rt.run('git init && git remote add origin https://github.com/OpenHands/OpenHands');
    expect(md(obs).exit_code).toBe(0);
    obs = await rt.run('git remote -v');
    expect(md(obs).exit_code).toBe(0);
    expect(obs.content).toContain('https://github.com/OpenHands/OpenHands');
    expect(obs.content).not.toContain('git remote -v');
  });
});
