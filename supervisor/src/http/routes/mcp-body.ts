import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../respond.js';

/**
 * Reads a JSON-RPC body for the MCP transports (at most `maxBytes`). A body that is too
 * big or not JSON is answered here as JSON-RPC errors are (the MCP client understands
 * them); undefined then.
 */
export async function readMcpBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<{ body: unknown } | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      sendJson(res, 413, rpcError(-32600, `the request body is over the limit of ${maxBytes} bytes (server.maxBodyBytes)`));
      return undefined;
    }
    chunks.push(chunk);
  }
  try {
    return { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch (error) {
    sendJson(res, 400, rpcError(-32700, `Parse error: the body is not JSON (${(error as Error).message})`));
    return undefined;
  }
}

function rpcError(code: number, message: string): object {
  return { jsonrpc: '2.0', id: null, error: { code, message } };
}
