/**
 * Issue 11 items 1 and 2, attempted as an attacker would: a web page's cross-origin
 * POST (JSON and the preflight-free text/plain kind) and a DNS-rebound Host ask the
 * shell to create a file; plugd answers 403 and the file never appears. Curl-like
 * requests keep working; a non-loopback bind without a key refuses to start; the CLI
 * sends SESSION_API_KEY.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, stopAllPlugd, runPlugd, startPlugd, tempDir } from '../helpers/plugd-process.js';
import type { PlugdProcess } from '../helpers/plugd-process.js';
import { rawRequest } from '../helpers/raw-http.js';

const run = (command: string) => JSON.stringify({ action: { action: 'run', args: { command } } });

describe('plugd start: browsers and rebound names are refused before anything runs', () => {
  const tmp = tempDir();
  let plugd: PlugdProcess;
  let port: string;
  const marker = (what: string) => `/tmp/x-${what}-${randomBytes(6).toString('hex')}`;
  const made: string[] = [];

  beforeAll(async () => {
    const config = tmp.write('plugd.json', { server: { allowedOrigins: ['http://localhost:3000'], allowedHosts: ['plugd.internal'] }, plugins: [{ name: 'shell' }] });
    plugd = await startPlugd(['--port', '0', '-c', config]);
    await plugd.ready();
    port = new URL(plugd.url).port;
  });

  afterAll(async () => {
    await stopAllPlugd();
    for (const file of made) rmSync(file, { force: true });
    tmp.remove();
  });

  /** Sends the attack, then a legitimate command through the same serial shell: once it answered, the attack would have run. */
  async function attempt(headers: Record<string, string>): Promise<{ status: number; text: string; file: string }> {
    const file = marker('attack');
    made.push(file);
    const answer = await rawRequest(plugd.url, '/execute_action', { headers, body: run(`touch ${file}`) });
    const after = await rawRequest(plugd.url, '/execute_action', { headers: { 'content-type': 'application/json' }, body: run('true') });
    expect(after.status).toBe(200);
    return { ...answer, file };
  }

  it('refuses a JSON POST from a foreign Origin with 403, and the command does not run', async () => {
    const { status, text, file } = await attempt({ origin: 'http://evil.example', 'content-type': 'application/json' });
    expect(status).toBe(403);
    expect(text).toMatch(/server\.allowedOrigins/);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses the preflight-free cross-origin text/plain POST a web page can send', async () => {
    const { status, file } = await attempt({ origin: 'http://evil.example', 'content-type': 'text/plain;charset=UTF-8' });
    expect(status).toBe(403);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses Host: evil.example (DNS rebinding) with no Origin at all, GETs included', async () => {
    const { status, text, file } = await attempt({ host: `evil.example:${port}`, 'content-type': 'text/plain' });
    expect(status).toBe(403);
    expect(text).toMatch(/DNS rebinding/);
    expect(existsSync(file)).toBe(false);
    expect((await rawRequest(plugd.url, '/plugins', { headers: { host: `evil.example:${port}` } })).status).toBe(403);
  });

  it('refuses Origin: null (sandboxed frames, file:// pages)', async () => {
    const { status, file } = await attempt({ origin: 'null' });
    expect(status).toBe(403);
    expect(existsSync(file)).toBe(false);
  });

  it('serves curl-like requests: no Origin and Host 127.0.0.1, localhost or [::1] with any port', async () => {
    for (const host of [`127.0.0.1:${port}`, 'localhost', `[::1]:${port}`, 'localhost:1']) {
      const file = marker('ok');
      made.push(file);
      const answer = await rawRequest(plugd.url, '/execute_action', { headers: { host, 'content-type': 'application/json' }, body: run(`touch ${file}`) });
      expect(answer.status).toBe(200);
      expect(existsSync(file)).toBe(true);
    }
    expect((await http(plugd.url, '/alive')).status).toBe(200);
  });

  it('serves an allowed origin with CORS headers and answers its preflight, and an allowed host', async () => {
    const preflight = await rawRequest(plugd.url, '/execute_action', { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/x-session-api-key/);
    const file = marker('cors');
    made.push(file);
    const answer = await rawRequest(plugd.url, '/execute_action', { headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' }, body: run(`touch ${file}`) });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(existsSync(file)).toBe(true);
    expect((await rawRequest(plugd.url, '/alive', { headers: { host: `plugd.internal:${port}` } })).status).toBe(200);
  });

  it('logs each refusal with the Host and Origin it refused', () => {
    const refused = plugd.logs().filter((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('HTTP request refused'));
    expect(refused.some((l) => l['origin'] === 'http://evil.example')).toBe(true);
    expect(refused.some((l) => l['host'] === `evil.example:${port}`)).toBe(true);
  });
});

describe('plugd start: no anonymous remote access', () => {
  const tmp = tempDir();
  afterAll(async () => {
    await stopAllPlugd();
    tmp.remove();
  });

  it('refuses to start on a non-loopback address without a key: exit 2, one line naming SESSION_API_KEY and server.apiKey', async () => {
    const config = tmp.write('echo.json', { plugins: [{ name: 'echo' }] });
    const result = await runPlugd(['start', '--host', '0.0.0.0', '--port', '0', '-c', config], { env: { SESSION_API_KEY: undefined } });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SESSION_API_KEY.*server\.apiKey/);
    expect(result.stderr).not.toMatch(/listening/);
  });

  it('starts on a non-loopback address with a key, which every route but /alive needs, and the CLI sends SESSION_API_KEY', async () => {
    const config = tmp.write('echo-key.json', { plugins: [{ name: 'echo' }] });
    const key = randomBytes(12).toString('hex');
    const plugd = await startPlugd(['--host', '0.0.0.0', '--port', '0', '-c', config], { env: { SESSION_API_KEY: key } });
    await plugd.ready();
    const url = `http://127.0.0.1:${new URL(plugd.url).port}`;
    expect((await http(url, '/plugins')).status).toBe(403);
    expect((await http(url, '/alive')).status).toBe(200);
    const withKey = await runPlugd(['status', '--url', url, '--json'], { env: { SESSION_API_KEY: key } });
    expect(withKey.code).toBe(0);
    expect(JSON.parse(withKey.stdout).plugins[0].name).toBe('echo');
    const without = await runPlugd(['status', '--url', url], { env: { SESSION_API_KEY: undefined } });
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/SESSION_API_KEY/);
    await plugd.stop();
  });

  it('starts without a key when the config opts out explicitly, and says so loudly in the log', async () => {
    const config = tmp.write('optout.json', { server: { allowRemoteWithoutKey: true }, plugins: [{ name: 'echo' }] });
    const plugd = await startPlugd(['--host', '0.0.0.0', '--port', '0', '-c', config], { env: { SESSION_API_KEY: undefined } });
    const warning = plugd.logs().find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('INSECURE'));
    expect(warning?.['level']).toBe(40);
    await plugd.stop();
  });
});
