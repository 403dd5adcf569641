// Baseline (1), parent side: spawns baselines/jsonrpc-child.js (pinned) and drives it
// with vscode-jsonrpc directly.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { pinned } from '../lib/pin.js';

export const JSONRPC_CHILD = fileURLToPath(new URL('./jsonrpc-child.js', import.meta.url));

/** Spawns the child on `cpu`; resolves once it has answered its first request. */
export async function startJsonrpcChild(cpu) {
  const began = performance.now();
  const [file, ...args] = pinned(cpu, [process.execPath, JSONRPC_CHILD]);
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await connection.sendRequest('run', { action: { action: 'echo', args: { text: 'hi' } } });
  const firstAnswerMs = performance.now() - began;
  return {
    pid: child.pid,
    firstAnswerMs,
    request: (params) => connection.sendRequest('run', params),
    async close() {
      connection.dispose();
      child.stdin.end();
      await exited;
    },
  };
}
