/**
 * OpenHands' tests/runtime/test_ipython.py and test_env_vars.py, ported black-box over
 * plugd's HTTP API. The interpreter path is this machine's (OpenHands' tests name their
 * Docker image's poetry python).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { stopAllPlugd } from '../helpers/plugd-process.js';
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
  await stopAllPlugd();
});

beforeEach(async () => {
  await rt.run(`cd ${rt.workspace} && rm -rf ./* ./.[!.]* 2>/dev/null; true`, { blocking: true, timeout: 60 });
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

describe('agent_skills in the kernel', () => {
  test('test_ipython.py::test_ipython_file_editor_permissions_as_openhands (the workspace part; plugd runs as root here)', async () => {
    const path = `${rt.workspace}/test.txt`;
    const code = `
print(file_editor(command='create', path='${path}', file_text='Line 1\\nLine 2\\nLine 3'))
print(file_editor(command='view', path='${path}'))
print(file_editor(command='str_replace', path='${path}', old_str='Line 2', new_str='New Line 2'))
print(file_editor(command='undo_edit', path='${path}'))
`;
    const obs = await cell(code);
    for (const text of ['File created successfully', 'Line 1', 'Line 2', 'Line 3', 'New Line 2', 'Last edit to', 'undone successfully']) expect(obs.content).toContain(text);
    expect(obs.content).toMatch(/^<oh_aci_output_[0-9a-f]{32}>\n\{/);
    const missing = await cell(`print(file_editor(command='view', path='${rt.workspace}/nope.txt'))`);
    expect(missing.content).toContain('"formatted_output_and_error": "ERROR:\\nInvalid `path` parameter');
  });

  test('open_file, goto_line, scroll_down/up, search_file, search_dir, find_file, create_file, edit_file_by_replace print what OpenHands prints', async () => {
    await rt.run(`seq 1 250 | sed 's/^/row /' > ${rt.workspace}/rows.txt`);
    let obs = await cell(`open_file('${rt.workspace}/rows.txt')`);
    expect(obs.content).toMatch(new RegExp(`^\\[File: ${rt.workspace}/rows.txt \\(250 lines total\\)\\]\\n\\(this is the beginning of the file\\)\\n1\\|row 1\\n`));
    expect(obs.content).toContain('100|row 100\n(150 more lines below)\n[Use `scroll_down` to view the next 100 lines of the file!]');
    obs = await cell('scroll_down()');
    expect(obs.content).toContain('(100 more lines above)\n101|row 101');
    obs = await cell('goto_line(200)');
    expect(obs.content).toContain('200|row 200');
    obs = await cell('scroll_up()');
    expect(obs.content).toContain('100|row 100');
    obs = await cell("search_file('row 24')");
    expect(obs.content).toContain(`[Found 11 matches for "row 24" in ${rt.workspace}/rows.txt]\nLine 24: row 24\nLine 240: row 240`);
    obs = await cell(`search_dir('row 250', '${rt.workspace}')`);
    expect(obs.content).toContain(`[Found 1 matches for "row 250" in ${rt.workspace}]\n${rt.workspace}/rows.txt (Line 250): row 250\n[End of matches for "row 250" in ${rt.workspace}]`);
    obs = await cell(`find_file('rows', '${rt.workspace}')`);
    expect(obs.content).toContain(`[Found 1 matches for "rows" in ${rt.workspace}]\n${rt.workspace}/rows.txt`);
    obs = await cell(`create_file('${rt.workspace}/fresh.py')`);
    expect(obs.content).toContain(`[File ${rt.workspace}/fresh.py created.]`);
    await rt.run(`printf 'a = 1\\nb = 2\\n' > ${rt.workspace}/fresh.py`);
    obs = await cell(`edit_file_by_replace('${rt.workspace}/fresh.py', 'b = 2', 'b = 3')`);
    expect(obs.content).toContain('2|b = 3');
    expect(obs.content).toContain('[File updated (edited at line 2).');
    obs = await cell("open_file('/no/such/file')");
    expect(obs.content).toContain('ERROR: File /no/such/file not found.');
    obs = await cell("parse_pdf('/no/such.pdf') if 'parse_pdf' in dir() else print('no parse_pdf')");
    expect(obs.content).not.toContain('no parse_pdf');
  });
});
