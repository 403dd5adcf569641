// Baseline (4): a bare node:http server. `forward` (baseline (1)'s request function)
// makes it "bare HTTP server + baseline (1)": parse the body, one JSON-RPC round trip
// to the vscode-jsonrpc child, answer JSON.
import { createServer } from 'node:http';

export async function startBareHttp(forward) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const result = forward ? await forward(body) : body;
      const text = JSON.stringify(result);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
