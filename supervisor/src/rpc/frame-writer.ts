import { encodeFrame } from '@plugd/protocol';

/**
 * Writes LSP-framed JSON-RPC (`Content-Length: N\r\n\r\n` + body), the same bytes as
 * vscode-jsonrpc's StreamMessageWriter but in one write: that writer writes the header,
 * waits for it to complete, then writes the body, so every message costs two syscalls
 * and the reader usually wakes up twice. Writes are synchronous here, so they keep
 * their order. A failed write (the pipe broke) is reported once.
 */
export class FrameWriter {
  private failed = false;
  private disposed = false;

  constructor(
    private readonly output: NodeJS.WritableStream,
    private readonly onError: (error: Error) => void,
  ) {
    // Stays attached after dispose(): an EPIPE on a dead pipe must never be an uncaught error.
    output.on('error', (error: Error) => this.fail(error));
  }

  /** Writes one frame; returns its body size in bytes (the Content-Length), or -1 when nothing was written. */
  write(message: object): number {
    return this.send(message, undefined);
  }

  /** Resolves once the frame is handed to the pipe (or the write failed: reported via onError). */
  written(message: object): Promise<void> {
    return new Promise((resolve) => this.send(message, resolve));
  }

  /**
   * Writes one frame and calls `done` once it is handed to the pipe (or the write failed:
   * reported via onError). Returns the body size in bytes, or -1 when nothing was written.
   */
  send(message: object, done: (() => void) | undefined): number {
    if (this.failed || this.disposed) {
      done?.();
      return -1;
    }
    const json = JSON.stringify(message);
    const bytes = Buffer.byteLength(json, 'utf8');
    this.output.write(encodeFrame(json, bytes), 'utf8', (error?: Error | null) => {
      if (error) this.fail(error);
      done?.();
    });
    return bytes;
  }

  dispose(): void {
    this.disposed = true;
  }

  private fail(error: Error): void {
    if (this.failed || this.disposed) return;
    this.failed = true;
    this.onError(error);
  }
}
