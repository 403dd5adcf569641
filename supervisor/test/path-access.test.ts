import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { accessProblem, apiKeyExposure, launchRefusal, parseConfig } from '@plugd/supervisor';
import type { RunAs } from '@plugd/supervisor';

// A user that owns nothing here: only the "other" bits count for it.
const stranger: RunAs = { user: 'stranger', uid: 54321, gid: 54321, groups: [54321], home: '/' };
const root = mkdtempSync(join(tmpdir(), 'plugd-access-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('accessProblem (can the plugin user reach a file?)', () => {
  it('names the first folder on the path the user cannot search', () => {
    const closed = join(root, 'closed');
    mkdirSync(join(closed, 'inner'), { recursive: true });
    writeFileSync(join(closed, 'inner', 'f.js'), '');
    chmodSync(root, 0o755);
    chmodSync(closed, 0o700);
    expect(accessProblem(join(closed, 'inner', 'f.js'), stranger, 'read')).toMatch(new RegExp(`^folder ${closed} is not searchable by user stranger \\(uid 54321\\)`));
  });

  it('names a file the user cannot read, and passes one it can', () => {
    const open = join(root, 'open');
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    writeFileSync(join(open, 'secret.js'), '');
    chmodSync(join(open, 'secret.js'), 0o600);
    writeFileSync(join(open, 'plugin.js'), '');
    chmodSync(join(open, 'plugin.js'), 0o644);
    expect(accessProblem(join(open, 'secret.js'), stranger, 'read')).toMatch(/secret\.js is not readable by user stranger/);
    expect(accessProblem(join(open, 'plugin.js'), stranger, 'read')).toBeUndefined();
    expect(accessProblem(join(open, 'plugin.js'), stranger, 'execute')).toMatch(/not executable/);
  });

  it('takes a relative path (resolved against the working folder) and ends', () => {
    expect(accessProblem(relative(process.cwd(), join(root, 'open', 'plugin.js')), stranger, 'read')).toBeUndefined();
  });
});

describe('apiKeyExposure', () => {
  it('warns about each plugin whose user can read the config file that holds server.apiKey', () => {
    const file = join(root, 'open', 'plugd.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o644);
    const config = { ...parseConfig({ server: { apiKey: 'k' }, plugins: [{ name: 'echo' }] }, { source: file, baseDir: root }) };
    const plugins = config.plugins.map((p) => ({ ...p, runAs: stranger }));
    expect(apiKeyExposure({ ...config, plugins }, file)).toEqual([expect.stringMatching(/plugin echo runs as stranger, who can read .*plugd\.json, which holds server\.apiKey: chmod 600/)]);
    chmodSync(file, 0o600);
    expect(apiKeyExposure({ ...config, plugins }, file)).toEqual([]);
    expect(apiKeyExposure({ ...config, plugins: config.plugins }, file)).toEqual([]);
  });
});

describe('launchRefusal (checked before every spawn)', () => {
  it("names a working folder the plugin's user cannot enter, and says to set cwd", () => {
    const entry = join(root, 'open', 'plugin.js');
    const why = launchRefusal({ command: [process.execPath, entry], cwd: join(root, 'closed'), entry, runAs: stranger, sha256: {} });
    expect(why).toMatch(/^cannot start as user stranger in working folder .*closed: .*set "cwd"/);
    expect(launchRefusal({ command: [process.execPath, entry], cwd: join(root, 'open'), entry, runAs: stranger, sha256: {} })).toBeUndefined();
  });
});
