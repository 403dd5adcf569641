import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor, parseConfig } from '@plugd/supervisor';
import { expectCmdRunOk } from '../helpers/openhands-shapes.js';

/**
 * OpenHands-serialized actions (fixtures with the shapes OPENHANDS.md lists) through
 * the Supervisor to the shell, files and python built-ins; the observations must have
 * the exact shapes OpenHands' deserializer accepts.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/openhands/', import.meta.url));

type Obs = { observation: string; content: string; extras: Record<string, any>; success?: boolean; message?: string };

let sup: Supervisor;
let dir: string;

function fixture(name: string): Record<string, unknown> {
  const text = readFileSync(join(FIXTURES, `${name}.json`), 'utf8').replaceAll('__DIR__', dir);
  return JSON.parse(text) as Record<string, unknown>;
}

const send = async (name: string) => (await sup.execute(fixture(name))) as unknown as Obs;

function expectErrorShape(obs: Obs): void {
  expect(obs.observation).toBe('error');
  expect(Object.keys(obs.extras)).toEqual(['error_id']);
}

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'plugd-oh-')));
  const plugin = (name: string) => ({ name, config: { cwd: dir } });
  sup = new Supervisor(parseConfig({ plugins: [plugin('shell'), plugin('files'), plugin('python')] }, { source: 'test', baseDir: dir }));
  await sup.start();
});

afterAll(async () => {
  await sup?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('OpenHands wire compatibility through the Supervisor', () => {
  test('CmdRunAction -> CmdOutputObservation', async () => {
    const md = expectCmdRunOk(await send('cmd-run'), 'echo hello', 'hello', dir);
    expect(Number.isInteger(md.exit_code)).toBe(true);
    for (const key of ['username', 'hostname', 'working_dir', 'py_interpreter_path', 'prefix', 'suffix']) expect(typeof md[key]).toBe('string');
  });

  test('CmdRunAction over its timeout -> run observation with exit_code -1 before the supervisor gives up', async () => {
    const obs = await send('cmd-run-timeout');
    expect(obs.observation).toBe('run');
    expect(obs.extras['metadata'].exit_code).toBe(-1);
    expect(Number.isInteger(obs.extras['metadata'].pid)).toBe(true);
    expect(obs.content).toBe('partial');
    // OpenHands' hard timeout: the note is in the suffix and the command keeps running until Ctrl-C.
    expect(obs.extras['metadata'].suffix).toContain('[The command timed out after 2.0 seconds.');
    const stop = (await sup.execute({ action: 'run', args: { command: 'C-c', is_input: true } })) as unknown as Obs;
    expect(stop.extras['metadata'].exit_code).toBe(130);
    const after = await sup.execute({ action: 'run', args: { command: 'echo still-usable' } });
    expect(after.content).toBe('still-usable');
  });

  test('IPythonRunCellAction -> IPythonRunCellObservation', async () => {
    const obs = await send('ipython-run-cell');
    expect(obs.observation).toBe('run_ipython');
    expect(obs.extras).toEqual({ code: 'a = 6\na * 7', image_urls: [] });
    expect(obs.success).toBe(true);
    expect(obs.content).toMatch(/^42\n\[Jupyter current working directory: .+\]\n\[Jupyter Python interpreter: .+\]$/);
  });

  test('FileWriteAction / FileReadAction -> write / read observations', async () => {
    const w = await send('file-write');
    expect(w).toEqual({ observation: 'write', content: '', extras: { path: join(dir, 'hello.py') } });
    const r = await send('file-read');
    expect(r.observation).toBe('read');
    // OpenHands' write ends every line of the content with a newline: "print('hello')\n" gets an empty last line.
    expect(r.content).toBe("print('hello')\n\n");
    expect(Object.keys(r.extras).sort()).toEqual(['impl_source', 'path']);
    expect(r.extras['path']).toBe(join(dir, 'hello.py'));
  });

  test('FileReadAction with impl_source oh_aci -> read observation echoing oh_aci', async () => {
    const r = await send('file-read-oh-aci');
    expect(r.observation).toBe('read');
    expect(r.extras).toEqual({ path: join(dir, 'hello.py'), impl_source: 'oh_aci' });
    expect(r.content).toContain("     1\tprint('hello')");
  });

  test('FileEditAction editor commands -> edit observations with impl_source oh_aci', async () => {
    for (const name of ['file-edit-create', 'file-edit-str-replace', 'file-edit-view']) {
      const obs = await send(name);
      expect(obs.observation).toBe('edit');
      expect(Object.keys(obs.extras).sort()).toEqual(['diff', 'impl_source', 'new_content', 'old_content', 'path', 'prev_exist']);
      expect(obs.extras['impl_source']).toBe('oh_aci');
      expect(typeof obs.extras['prev_exist']).toBe('boolean');
      expect(typeof obs.extras['diff']).toBe('string');
      // OpenHands fails on prev_exist=false with a non-empty old_content.
      if (obs.extras['prev_exist'] === false) expect(obs.extras['old_content'] ?? '').toBe('');
    }
    const view = await send('file-edit-view');
    expect(view.content).toContain('     2\ty = 3');
  });

  test('editor failures are edit observations whose content starts ERROR:, as OpenHands answers them', async () => {
    const obs = await send('file-edit-missing');
    expect(obs.observation).toBe('edit');
    expect(obs.extras['impl_source']).toBe('oh_aci');
    expect(obs.content).toMatch(/^ERROR:\n/);
    expect(obs.content).toContain('did not appear verbatim');
    expectErrorShape(await sup.execute({ action: 'read', args: { path: join(dir, 'no-such-file.txt') } }) as unknown as Obs);
  });
});
