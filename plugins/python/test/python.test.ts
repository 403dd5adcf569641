import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginClient, REPO_ROOT, eventually, groupAlive } from '../../../test/helpers/plugin-client.js';

const cell = (code: string, extra: Record<string, unknown> = {}, timeout?: number) => ({
  action: 'run_ipython',
  args: { code, include_extra: false, ...extra },
  ...(timeout !== undefined ? { timeout } : {}),
});

function pythonHas(module: string): boolean {
  try {
    execFileSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasIPython = pythonHas('IPython');
const hasMatplotlib = pythonHas('matplotlib');
/** A stand-in matplotlib (writes a real 1x1 PNG) for machines without the real one. */
const MATPLOTLIB_STUB = join(REPO_ROOT, 'plugins', 'python', 'test', 'fixtures', 'matplotlib-stub');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('python plugin', () => {
  let client: PluginClient;
  let dir: string;

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'plugd-python-')));
    client = await PluginClient.start('python', { config: { cwd: dir } });
  });

  afterAll(async () => {
    await client?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('shows the last expression, with exactly code and image_urls in extras', async () => {
    const obs = await client.run(cell('x = 20\nx + 22'));
    expect(obs.observation).toBe('run_ipython');
    expect(obs.content).toBe('42');
    expect(obs.success).toBe(true);
    expect(obs.extras).toEqual({ code: 'x = 20\nx + 22', image_urls: [] });
  });

  test('variables and imports persist between cells', async () => {
    await client.run(cell('import math\ny = [1, 2, 3]'));
    const obs = await client.run(cell('math.sqrt(16), sum(y)'));
    expect(obs.content).toBe('(4.0, 6)');
  });

  test('stdout and stderr are captured in order, subprocess output too', async () => {
    const obs = await client.run(cell('import sys, os\nprint("out")\nprint("err", file=sys.stderr)\nos.system("echo from-child")\nNone'));
    expect(obs.content).toBe('out\nerr\nfrom-child');
  });

  test('no output says so', async () => {
    const obs = await client.run(cell('z = 1'));
    expect(obs.content).toBe('[Code executed successfully with no output]');
    expect(obs.success).toBe(true);
  });

  test('include_extra (the default) appends cwd and interpreter', async () => {
    const obs = await client.run({ action: 'run_ipython', args: { code: 'print("hi")' } });
    expect(obs.content).toMatch(/^hi\n\[Jupyter current working directory: .+\]\n\[Jupyter Python interpreter: .*python.*\]$/);
    expect(obs.content).toContain(`[Jupyter current working directory: ${dir}]`);
  });

  test('an exception returns its traceback and the session continues', async () => {
    const obs = await client.run(cell('def boom():\n    raise ValueError("bad value")\nprint("before")\nboom()'));
    expect(obs.success).toBe(false);
    expect(obs.content).toContain('before');
    expect(obs.content).toContain('Traceback (most recent call last)');
    expect(obs.content).toContain('ValueError: bad value');
    expect(obs.content).not.toContain('driver.py');
    const next = await client.run(cell('y'));
    expect(next.content).toBe('[1, 2, 3]');
  });

  test('a syntax error is reported', async () => {
    const obs = await client.run(cell('def broken(:'));
    expect(obs.success).toBe(false);
    expect(obs.content).toContain('SyntaxError');
  });

  test('user output that looks like protocol cannot confuse the plugin', async () => {
    const obs = await client.run(cell('print(\'{"id": 1, "status": "ok", "output": "fake"}\')\nprint("Content-Length: 5\\r\\n\\r\\n")\n"real"'));
    expect(obs.content).toContain('"output": "fake"');
    expect(obs.content.endsWith("'real'")).toBe(true);
  });

  test('input() does not hang: stdin is /dev/null', async () => {
    const obs = await client.run(cell('input("name? ")'), 20_000);
    expect(obs.content).toContain('EOFError');
  });

  test('a timeout interrupts the cell, keeps partial output and state', async () => {
    await client.run(cell('kept = "still here"'));
    const started = Date.now();
    const obs = await client.run(cell('import time\nprint("started", flush=True)\ntime.sleep(30)\nprint("never")', {}, 2), 20_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(obs.success).toBe(false);
    expect(obs.content).toContain('started');
    expect(obs.content).not.toContain('never');
    expect(obs.content).toContain('[Execution timed out (2 seconds).]');
    expect(obs.content).toContain('variables and imports are kept');
    const next = await client.run(cell('kept'));
    expect(next.content).toBe("'still here'");
  });

  test('a cell that swallows KeyboardInterrupt gets the process restarted', async () => {
    await client.run(cell('lost = 1'));
    const code = 'import time\nwhile True:\n    try:\n        time.sleep(10)\n    except KeyboardInterrupt:\n        pass';
    const obs = await client.run(cell(code, {}, 1), 20_000);
    expect(obs.success).toBe(false);
    expect(obs.content).toContain('timed out');
    expect(obs.content).toContain('restarted');
    const next = await client.run(cell('"lost" in globals()'));
    expect(next.content).toBe('False');
  });

  test('the supervisor deadline (timeoutMs) bounds a cell without its own timeout', async () => {
    const started = Date.now();
    const obs = await client.run(cell('import time\ntime.sleep(30)'), 2500);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(obs.content).toContain('[Execution timed out');
  });

  test('cancel interrupts the running cell; the session and its variables survive', async () => {
    const pidBefore = (await client.run(cell('import os\nbefore_cancel = "kept"\nos.getpid()'))).content;
    const marker = join(dir, 'cancel-started');
    const code = `import time\nopen(${JSON.stringify(marker)}, "w").close()\nprint("started", flush=True)\ntime.sleep(30)\nafter_cancel = True\nprint("never")`;
    const started = Date.now();
    const { result, cancel } = client.runCancellable(cell(code), 60_000);
    // Cancel only once the cell is really running (it made the marker), so the interrupt hits the sleep.
    await eventually(() => existsSync(marker), 20_000);
    cancel();
    const obs = await result;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(obs.success).toBe(false);
    expect(obs.content).toContain('started');
    expect(obs.content).not.toContain('never');
    expect(obs.content).toContain('[Execution was cancelled.]');
    expect(obs.content).toContain('[The cell was interrupted (KeyboardInterrupt); variables and imports are kept.]');
    expect(obs.content).not.toContain('restarted');
    expect(obs.content).not.toContain('timed out');
    // Same interpreter, state from before kept, the code after the interrupt point never ran.
    const next = await client.run(cell('os.getpid(), before_cancel, "after_cancel" in globals()'));
    expect(next.content).toBe(`(${pidBefore}, 'kept', False)`);
  });

  test('kernel_init_code runs before the cell', async () => {
    const obs = await client.run(cell('INIT_VALUE * 2', { kernel_init_code: 'INIT_VALUE = 21' }));
    expect(obs.content).toBe('42');
    const bad = await client.run(cell('1', { kernel_init_code: 'raise RuntimeError("init broke")' }));
    expect(bad.success).toBe(false);
    expect(bad.content).toContain('kernel_init_code failed');
    expect(bad.content).toContain('init broke');
  });

  test('IPython syntax: %magic and !cmd', async () => {
    if (!hasIPython) throw new Error('IPython is not importable by python3 on this machine: install it (pip install ipython); this test checks the plugin\'s %magic/!cmd support and must not be skipped');
    const obs = await client.run(cell('!echo shell-says-hi\n%cd /\nimport os\nos.getcwd()'));
    expect(obs.content).toContain('shell-says-hi');
    expect(obs.content.endsWith("'/'")).toBe(true);
    const back = await client.run(cell(`%cd ${dir}`));
    expect(back.success).toBe(true);
  });

  test('a matplotlib figure comes back as a PNG data URL (real matplotlib if installed, else a stub)', async () => {
    // Without matplotlib, a stub package (test/fixtures/matplotlib-stub) that writes a real PNG
    // stands in, so the driver's figure -> data URL path is always exercised.
    const env: Record<string, string> = hasMatplotlib ? {} : { PYTHONPATH: MATPLOTLIB_STUB, PYTHONDONTWRITEBYTECODE: '1' };
    const plotting = await PluginClient.start('python', { config: { cwd: dir }, env });
    try {
      const which = await plotting.run(cell('import matplotlib\ngetattr(matplotlib, "PLUGD_STUB", False)'));
      expect(which.content).toBe(hasMatplotlib ? 'False' : 'True');
      const obs = await plotting.run(cell('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()'));
      expect(obs.success).toBe(true);
      expect(obs.extras['image_urls']).toHaveLength(1);
      const url: string = obs.extras['image_urls'][0];
      expect(url).toMatch(/^data:image\/png;base64,/);
      const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
      expect(png.readUInt32BE(16)).toBeGreaterThan(0); // width
      expect(png.readUInt32BE(20)).toBeGreaterThan(0); // height
      expect(png.subarray(png.length - 8, png.length - 4).toString('latin1')).toBe('IEND');
      // The driver closed the figure: the next cell brings no image back.
      const after = await plotting.run(cell('len(plt.get_fignums())'));
      expect(after.content).toBe('0');
      expect(after.extras['image_urls']).toEqual([]);
    } finally {
      await plotting.close();
    }
  });

  test('sys.exit in a cell does not end the session', async () => {
    const obs = await client.run(cell('import sys\nsys.exit(3)'));
    expect(obs.success).toBe(false);
    expect(obs.content).toContain('SystemExit: 3');
    const next = await client.run(cell('"alive"'));
    expect(next.content).toBe("'alive'");
  });

  test('if the python process dies, the next cell gets a new one', async () => {
    const obs = await client.run(cell('import os\nos._exit(9)'));
    expect(obs.success).toBe(false);
    expect(obs.content).toContain('ended while running the cell');
    const next = await client.run(cell('40 + 2'));
    expect(next.content).toBe('42');
  });

  test('python3 missing: initialize fails with a clear message', async () => {
    const broken = PluginClient.spawn('python', { env: { PLUGD_PYTHON: '/nonexistent/python3' } });
    try {
      await expect(broken.initialize()).rejects.toThrow(/PLUGD_PYTHON=\/nonexistent\/python3 cannot be run; install python3 or set PLUGD_PYTHON/);
    } finally {
      await broken.close();
    }
    const noPath = PluginClient.spawn('python', { env: { PATH: '/nonexistent-bin' } });
    try {
      await expect(noPath.initialize()).rejects.toThrow('python3 not found on PATH; install python3 or set PLUGD_PYTHON');
    } finally {
      await noPath.close();
    }
  });

  test('closing the plugin ends the python process', async () => {
    const other = await PluginClient.start('python', { config: { cwd: dir } });
    const obs = await other.run(cell('import os\nos.getpid()'));
    const pid = Number(obs.content);
    expect(pid).toBeGreaterThan(0);
    expect(groupAlive(pid)).toBe(true);
    await other.close();
    await eventually(() => !groupAlive(pid));
  });
});
