// Baseline (0), parent side: spawns baselines/raw-ndjson-child.js (pinned) and drives it
// with newline-delimited JSON and nothing else: JSON.stringify and one write per request,
// JSON.parse per answer line, a Map from id to the waiting promise.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onLines } from '../lib/lines.js';
import { pinned } from '../lib/pin.js';

export const RAW_CHILD = fileURLToPath(new URL('./raw-ndjson-child.js', import.meta.url));

export async function startRawNdjson(cpu) {
  const [file, ...args] = pinned(cpu, [process.execPath, RAW_CHILD]);
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let nextId = 1;
  onLines(child.stdout, (line) => {
    const m = JSON.parse(line);
    const resolve = waiting.get(m.id);
    waiting.delete(m.id);
    resolve(m.result);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const request = (params) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ id, params })}\n`);
    });
  await request({ action: { action: 'echo', args: { text: 'hi' } } });
  return {
    pid: child.pid,
    request,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
