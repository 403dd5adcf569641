// Runs the built plugin under a real plugd (`plugd exec -c plugd.json ACTION`) and checks its answers.
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { PLUGD } from './plugd.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Observation plugd prints for one action, and its exit code (1 for an error Observation). */
function exec(action) {
  return new Promise((resolve, reject) => {
    execFile(PLUGD, ['exec', '-c', 'plugd.json', JSON.stringify(action)], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      try {
        resolve({ code: error ? error.code : 0, observation: JSON.parse(stdout) });
      } catch {
        reject(new Error(`plugd printed no Observation (exit ${error?.code}): ${stderr}`));
      }
    });
  });
}

test('count runs under plugd and answers its Observation', async () => {
  const { code, observation } = await exec({ action: 'count', args: { to: 3, delayMs: 10 } });
  assert.equal(code, 0);
  assert.deepEqual(observation, { observation: 'count', content: '1 2 3', extras: { counted: 3 } });
});

test('bad args are refused with the field named', async () => {
  const { code, observation } = await exec({ action: 'count', args: { to: 'ten' } });
  assert.equal(code, 1);
  assert.equal(observation.extras.error_id, 'INVALID_ACTION');
  assert.match(observation.content, /args\.to/);
});

test('a count longer than its timeout stops by itself and answers what it counted', async () => {
  const { code, observation } = await exec({ action: 'count', args: { to: 10_000, delayMs: 100 }, timeout: 2 });
  assert.equal(code, 0);
  assert.match(observation.content, /^stopped at the deadline after 1 2/);
});
