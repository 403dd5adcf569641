// Baseline (4), at rest: a bare node:http server holding one vscode-jsonrpc child
// (baseline (1)'s), the least a supervisor with an HTTP API and one plugin can be.
// Prints "ready" on stdout once listening and the child has answered once.
import { createServer } from 'node:http';
import { startJsonrpcChild } from './jsonrpc.js';

const child = await startJsonrpcChild(undefined);
const server = createServer((req, res) => {
  child.request({ action: { action: 'echo', args: {} } }).then((r) => res.end(JSON.stringify(r)));
});
server.listen(0, '127.0.0.1', () => process.stdout.write('ready\n'));
process.stdin.on('end', async () => {
  server.close();
  await child.close();
  process.exit(0);
});
process.stdin.resume();
