/**
 * OpenHands' file routes on plugd (POST /upload_file, GET /download_files, POST /list_files,
 * GET /vscode/connection_token), with the copy_to / copy_from cases of OpenHands'
 * tests/runtime/test_bash.py ported black-box, and the attacks an upload invites.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, stopAllPlugd, tempDir } from '../helpers/plugd-process.js';
import { exitCode, loadRuntime } from './runtime.js';
import type { Runtime } from './runtime.js';

const LIMIT = 1024 * 1024;
let rt: Runtime;
const host = tempDir('plugd-oh-host-');

beforeAll(async () => {
  rt = await loadRuntime({ server: { maxUploadBytes: LIMIT } });
});

afterAll(async () => {
  await rt?.close();
  await stopAllPlugd();
  host.remove();
});

/** OpenHands' runtime.copy_to: a file as the form field `file`, or a folder zipped (with its own name) and `recursive`. */
async function upload(body: Blob, filename: string, destination: string, recursive = false, key = rt.key) {
  const form = new FormData();
  form.append('file', body, filename);
  const q = new URLSearchParams({ destination, recursive: String(recursive) });
  const response = await fetch(`${rt.plugd.url}/upload_file?${q}`, { method: 'POST', body: form, headers: { 'X-Session-API-Key': key } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as any };
}

const fileBlob = (path: string) => new Blob([readFileSync(path)]);

/** A zip made by Python's zipfile: entries name -> text, or [text, mode] for special entries. */
function makeZip(path: string, script: string): void {
  execFileSync('python3', ['-c', `import zipfile\nz = zipfile.ZipFile(${JSON.stringify(path)}, 'w', zipfile.ZIP_DEFLATED)\n${script}\nz.close()`]);
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.plugd-'));
}

describe('OpenHands file routes', () => {
  test('test_bash.py::test_copy_single_file', async () => {
    writeFileSync(host.path('test_file.txt'), 'Hello, World!');
    const answer = await upload(fileBlob(host.path('test_file.txt')), 'test_file.txt', rt.workspace);
    expect(answer).toEqual({ status: 200, body: { filename: 'test_file.txt', destination: rt.workspace, recursive: false } });
    let obs = await rt.run(`ls -alh ${rt.workspace}`);
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('test_file.txt');
    obs = await rt.run(`cat ${rt.workspace}/test_file.txt`);
    expect(obs.content).toContain('Hello, World!');
  });

  test('test_bash.py::test_copy_directory_recursively', async () => {
    const zip = host.path('test_dir.zip');
    makeZip(zip, "z.writestr('test_dir/file1.txt', 'File 1 content')\nz.writestr('test_dir/file2.txt', 'File 2 content')");
    const answer = await upload(fileBlob(zip), 'test_dir.zip', rt.workspace, true);
    expect(answer.status).toBe(200);
    let obs = await rt.run(`ls -alh ${rt.workspace}`);
    expect(obs.content).toContain('test_dir');
    expect(obs.content).not.toContain('file1.txt');
    expect(obs.content).not.toContain('test_dir.zip');
    obs = await rt.run(`ls -alh ${rt.workspace}/test_dir`);
    expect(obs.content).toContain('file1.txt');
    expect(obs.content).toContain('file2.txt');
    obs = await rt.run(`cat ${rt.workspace}/test_dir/file1.txt`);
    expect(obs.content).toContain('File 1 content');
  });

  test('test_bash.py::test_copy_to_non_existent_directory', async () => {
    writeFileSync(host.path('test_file.txt'), 'Hello, World!');
    expect((await upload(fileBlob(host.path('test_file.txt')), 'test_file.txt', `${rt.workspace}/new_dir`)).status).toBe(200);
    const obs = await rt.run(`cat ${rt.workspace}/new_dir/test_file.txt`);
    expect(exitCode(obs)).toBe(0);
    expect(obs.content).toContain('Hello, World!');
  });

  test('test_bash.py::test_overwrite_existing_file', async () => {
    await rt.run(`rm -f ${rt.workspace}/over.txt && touch ${rt.workspace}/over.txt`);
    expect((await rt.run(`cat ${rt.workspace}/over.txt`)).content.trim()).toBe('');
    writeFileSync(host.path('over.txt'), 'Hello, World!');
    expect((await upload(fileBlob(host.path('over.txt')), 'over.txt', rt.workspace)).status).toBe(200);
    expect((await rt.run(`cat ${rt.workspace}/over.txt`)).content).toContain('Hello, World!');
  });

  test('test_bash.py::test_copy_from_directory (GET /download_files is a zip of the folder)', async () => {
    const response = await fetch(`${rt.plugd.url}/download_files?path=${encodeURIComponent(`${rt.workspace}/test_dir`)}`, { headers: { 'X-Session-API-Key': rt.key } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const zip = host.path('back.zip');
    writeFileSync(zip, Buffer.from(await response.arrayBuffer()));
    const listing = execFileSync('python3', ['-c', `import zipfile,sys; print('\\n'.join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))`, zip], { encoding: 'utf8' });
    expect(listing.trim().split('\n')).toEqual(['file1.txt', 'file2.txt']);
    const missing = await http(rt.plugd.url, `/download_files?path=${encodeURIComponent('/no/such/path')}`, { headers: { 'X-Session-API-Key': rt.key } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'File not found' });
    const relative = await http(rt.plugd.url, '/download_files?path=relative', { headers: { 'X-Session-API-Key': rt.key } });
    expect(relative.status).toBe(400);
    expect(relative.body).toEqual({ detail: 'Path must be an absolute path' });
  });

  test('POST /list_files: folders first with a trailing /, case-insensitive order, [] for a missing path', async () => {
    const dir = join(rt.workspace, 'listing');
    mkdirSync(join(dir, 'Zeta'), { recursive: true });
    mkdirSync(join(dir, 'alpha'));
    writeFileSync(join(dir, 'b.txt'), '');
    writeFileSync(join(dir, 'A.txt'), '');
    const headers = { 'X-Session-API-Key': rt.key };
    expect((await http(rt.plugd.url, '/list_files', { body: { path: dir }, headers })).body).toEqual(['alpha/', 'Zeta/', 'A.txt', 'b.txt']);
    expect((await http(rt.plugd.url, '/list_files', { body: { path: join(dir, 'nope') }, headers })).body).toEqual([]);
    await rt.run(`cd ${rt.workspace}`);
    // A relative path is taken from the shell's directory.
    expect((await http(rt.plugd.url, '/list_files', { body: { path: 'listing/alpha' }, headers })).body).toEqual([]);
    expect((await http(rt.plugd.url, '/list_files', { body: { path: 'listing' }, headers })).body).toEqual(['alpha/', 'Zeta/', 'A.txt', 'b.txt']);
    rmSync(dir, { recursive: true, force: true });
  });

  test('GET /vscode/connection_token is {"token": null} without a VS Code plugin', async () => {
    expect((await http(rt.plugd.url, '/vscode/connection_token', { headers: { 'X-Session-API-Key': rt.key } })).body).toEqual({ token: null });
  });

  test('the routes need the API key like the others (403, nothing written)', async () => {
    writeFileSync(host.path('nokey.txt'), 'x');
    const answer = await upload(fileBlob(host.path('nokey.txt')), 'nokey.txt', rt.workspace, false, 'wrong');
    expect(answer).toEqual({ status: 403, body: { detail: 'Invalid API Key' } });
    expect(existsSync(join(rt.workspace, 'nokey.txt'))).toBe(false);
    for (const [path, init] of [
      ['/list_files', { body: { path: '/' } }],
      ['/download_files?path=/etc', {}],
      ['/vscode/connection_token', {}],
    ] as const) {
      expect((await http(rt.plugd.url, path, init)).status).toBe(403);
    }
  });

  test('an upload over server.maxUploadBytes is 413 and leaves no partial file', async () => {
    const dest = join(rt.workspace, 'big');
    const answer = await upload(new Blob([Buffer.alloc(LIMIT * 2, 97)]), 'big.bin', dest);
    expect(answer.status).toBe(413);
    expect(answer.body.detail).toContain('server.maxUploadBytes');
    expect(existsSync(join(dest, 'big.bin'))).toBe(false);
    expect(leftovers(dest)).toEqual([]);
  });

  test('zip-slip: an entry leaving the destination is refused and nothing is extracted', async () => {
    const dest = join(rt.workspace, 'slip');
    const zip = host.path('slip.zip');
    makeZip(zip, "z.writestr('ok.txt', 'fine')\nz.writestr('../escaped.txt', 'evil')");
    const answer = await upload(fileBlob(zip), 'slip.zip', dest, true);
    expect(answer.status).toBe(400);
    expect(existsSync(join(rt.workspace, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(dest, 'ok.txt'))).toBe(false);
    expect(leftovers(dest)).toEqual([]);
    makeZip(zip, "z.writestr('/tmp/plugd-abs-escape.txt', 'evil')");
    expect((await upload(fileBlob(zip), 'slip.zip', dest, true)).status).toBe(400);
    expect(existsSync('/tmp/plugd-abs-escape.txt')).toBe(false);
  });

  test('a symlink entry, or writing through a symlink in the destination, is refused', async () => {
    const dest = join(rt.workspace, 'links');
    const outside = join(host.dir, 'outside');
    mkdirSync(outside, { recursive: true });
    const zip = host.path('link.zip');
    makeZip(zip, "i = zipfile.ZipInfo('evil-link')\ni.external_attr = 0o120777 << 16\nz.writestr(i, '/etc/passwd')");
    expect((await upload(fileBlob(zip), 'link.zip', dest, true)).status).toBe(400);
    expect(existsSync(join(dest, 'evil-link'))).toBe(false);
    await rt.run(`ln -sfn ${outside} ${dest}/out`);
    makeZip(zip, "z.writestr('out/planted.txt', 'evil')\nz.writestr('out/sub/deep.txt', 'evil')");
    expect((await upload(fileBlob(zip), 'link.zip', dest, true)).status).toBe(400);
    expect(readdirSync(outside)).toEqual([]);
  });

  test('a zip bomb stops at server.maxUploadBytes while inflating; nothing is left', async () => {
    const dest = join(rt.workspace, 'bomb');
    const zip = host.path('bomb.zip');
    makeZip(zip, "z.writestr('zeros.bin', b'\\0' * (64 * 1024 * 1024))");
    expect(readFileSync(zip).length).toBeLessThan(LIMIT);
    const answer = await upload(fileBlob(zip), 'bomb.zip', dest, true);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain('expands to more than');
    expect(readdirSync(dest)).toEqual([]);
  });

  test('bad uploads: relative destination, path in the file name, recursive without a zip, no file field', async () => {
    writeFileSync(host.path('plain.txt'), 'x');
    expect(await upload(fileBlob(host.path('plain.txt')), 'plain.txt', 'relative/dir')).toEqual({ status: 400, body: { detail: 'Destination must be an absolute path' } });
    // A path in the file name is cut to its last part: the file stays in the destination.
    const sneaky = await upload(fileBlob(host.path('plain.txt')), '../sneaky.txt', join(rt.workspace, 'names'));
    expect(sneaky.body.filename).toBe('sneaky.txt');
    expect(existsSync(join(rt.workspace, 'names', 'sneaky.txt'))).toBe(true);
    expect(existsSync(join(rt.workspace, 'sneaky.txt'))).toBe(false);
    expect((await upload(fileBlob(host.path('plain.txt')), '..', join(rt.workspace, 'names'))).status).toBe(400);
    expect(await upload(fileBlob(host.path('plain.txt')), 'plain.txt', rt.workspace, true)).toEqual({ status: 400, body: { detail: 'Recursive uploads must be zip files' } });
    const none = await fetch(`${rt.plugd.url}/upload_file?destination=${rt.workspace}`, { method: 'POST', body: new FormData(), headers: { 'X-Session-API-Key': rt.key } });
    expect(none.status).toBe(400);
    expect(leftovers(rt.workspace)).toEqual([]);
  });
});
