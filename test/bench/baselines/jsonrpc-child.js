// Baseline (1), child side: the floor. A vscode-jsonrpc connection on stdio that
// echoes `run` params back. Nothing else: no schemas, no supervision.
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
connection.onRequest('run', (params) => params);
connection.onClose(() => process.exit(0));
process.stdin.on('end', () => process.exit(0));
connection.listen();
