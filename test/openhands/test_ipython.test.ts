/**
 * OpenHands' tests/runtime/test_ipython.py and test_env_vars.py, ported black-box over
 * plugd's HTTP API. The interpreter path is this machine's (OpenHands' tests name their
 * Docker image's poetry python).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { killAllPlugd } from '../helpers/plugd-process.js';
import { exitCode, loadRuntime } from './runtime.js';
import type { Obs, Runtime } from './runtime.js';

let rt: Runtime;
let python = '';

const cell = (code: string): Promise<Obs> => rt.act({ action: 'run_ipython', args: { code } });
const tail = () => `[Jupyter current working directory: ${rt.workspace}]\n[Jupyter Python interpreter: ${python}]`;

beforeAll(async () => {
  rt = await loadRuntime({ env: { ADDED_ENV_VAR: 'added_value' } });
  python = /\[Jupyter Python interpreter: (.*)\]$/.exec((await cell('1')).content)![1]!;
});

afterAll(async () => {
  await rt?.close();
  await killAllPlugd();
});

beforeEach(async () => {
  await rt.run(`cd ${rt.workspace} && rm -rf ./* ./.[!.]* 2>/dev/null; true`);
});

describe('test_ipython.py', () => {
  test('test_ipython.py::test_simple_cmd_ipython_and_fileop', async () => {
    let obs = await rt.run('ls -l');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('total 0');
    obs = await cell("print('Hello, `World`!\\n')");
    expect(obs.observation).toBe('run_ipython');
    expect(obs.content.trim()).toBe(`Hello, \`World\`!\n${tail()}`);
    obs = await rt.act({ action: 'read', args: { path: 'hello.sh' } });
    expect(obs.observation).toBe('error');
    expect(obs.content).toContain('File not found');
    obs = await rt.act({ action: 'write', args: { path: 'hello.sh', content: 'echo "Hello, World!"' } });
    expect(obs.observation).toBe('write');
    expect(obs.content).toBe('');
    expect(obs.extras['path']).toBe(`${rt.workspace}/hello.sh`);
    obs = await rt.act({ action: 'read', args: { path: 'hello.sh' } });
    expect(obs.observation).toBe('read');
    expect(obs.content).toBe('echo "Hello, World!"\n');
    expect(obs.extras['path']).toBe(`${rt.workspace}/hello.sh`);
    expect(exitCode(await rt.run('rm -rf hello.sh'))).toBe(0);
  });

  test('test_ipython.py::test_ipython_multi_user (as root)', async () => {
    let obs = await cell("import os; print(os.environ['USER'])");
    expect(obs.content).toContain('root');
    obs = await cell('import os; print(os.getcwd())');
    expect(obs.content.trim()).toBe(`${rt.workspace}\n${tail()}`);
    obs = await cell("with open('test.txt', 'w') as f: f.write('Hello, world!')");
    expect(obs.content.trim()).toBe(`[Code executed successfully with no output]\n${tail()}`);
    obs = await rt.run('ls -alh test.txt');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content.split('\n')[0]).toContain('root');
  });

  test('test_ipython.py::test_ipython_simple', async () => {
    expect((await cell('print(1)')).content.trim()).toBe(`1\n${tail()}`);
  });

  test('test_ipython.py::test_ipython_chdir', async () => {
    let obs = await cell("\nimport os\nos.makedirs('test_dir', exist_ok=True)\nabs_path = os.path.abspath('test_dir')\nprint(abs_path)\n");
    const dir = obs.content.split('\n')[0]!.trim();
    expect(dir).toBe(`${rt.workspace}/test_dir`);
    obs = await cell(`\nimport os\nos.chdir(r'${dir}')\nprint(os.getcwd())\n`);
    expect(obs.content.split('\n')[0]!.trim()).toBe(dir);
    obs = await cell("\nimport os\nimport shutil\nshutil.rmtree('test_dir', ignore_errors=True)\n");
    expect(obs.observation).toBe('run_ipython');
  });

  test('python follows the shell: cd in bash moves the next cell, which reports it', async () => {
    await rt.run('mkdir -p sub && cd sub');
    const obs = await cell('import os; print(os.getcwd())');
    expect(obs.content).toBe(`${rt.workspace}/sub\n[Jupyter current working directory: ${rt.workspace}/sub]\n[Jupyter Python interpreter: ${python}]`);
    await rt.run(`cd ${rt.workspace}`);
  });

  test('a deleted working directory never kills the kernel', async () => {
    await rt.run('mkdir -p doomed && cd doomed');
    expect((await cell('x = 41')).content).toContain('[Code executed successfully with no output]');
    await rt.run(`rm -rf ${rt.workspace}/doomed`);
    let obs = await cell('x + 1');
    expect(obs.content).toContain('42');
    obs = await cell('import os\ntry:\n    os.getcwd()\nexcept FileNotFoundError:\n    print("cwd gone")');
    expect(obs.content).toContain('cwd gone');
    await rt.run(`cd ${rt.workspace}`);
    obs = await cell('import os; print(os.getcwd(), x)');
    expect(obs.content.split('\n')[0]).toBe(`${rt.workspace} 41`);
  });
});

describe('test_env_vars.py', () => {
  test('test_env_vars.py::test_env_vars_added_by_config', async () => {
    const obs = await rt.run('echo $ADDED_ENV_VAR');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content.trim()).toBe('added_value');
  });

  test("test_env_vars.py::test_env_vars_runtime_operations (the actions OpenHands' add_env_vars sends, without touching ~/.bashrc)", async () => {
    const add = async (vars: Record<string, string>) => {
      let code = 'import os\n';
      for (const [k, v] of Object.entries(vars)) code += `os.environ["${k}"] = ${JSON.stringify(v)}\n`;
      await cell(`${code}\n`);
      const cmd = Object.entries(vars)
        .map(([k, v]) => `export ${k}=${JSON.stringify(v)};`)
        .join(' ');
      if (cmd) expect(exitCode(await rt.run(cmd))).toBe(0);
    };
    await add({ QUUX: 'abc"def' });
    let obs = await rt.run('echo $QUUX');
    expect(exitCode(obs)).toBe(0);
    expect(obs.content.trim()).toBe('abc"def');
    await add({ FOOBAR: 'xyz' });
    obs = await rt.run('echo $QUUX $FOOBAR');
    expect(obs.content.trim()).toBe('abc"def xyz');
    const before = (await rt.run('env | grep -v "^_="')).content;
    await add({});
    expect((await rt.run('env | grep -v "^_="')).content).toBe(before);
    await add({ QUUX: 'new_value' });
    obs = await rt.run('echo $QUUX');
    expect(obs.content.trim()).toBe('new_value');
    expect((await cell('import os; print(os.environ["QUUX"])')).content.split('\n')[0]).toBe('new_value');
  });
});
