import { AbstractMessageReader } from 'vscode-jsonrpc/node';
import type { DataCallback, Disposable, Message } from 'vscode-jsonrpc/node';
import { FrameDecoder } from '@plugd/protocol';
import { ProtocolViolation } from './protocol-violation.js';

/**
 * vscode-jsonrpc's MessageReader over the shared strict FrameDecoder (protocol/): a
 * broken frame, a frame over `maxFrameBytes` or a body that is not JSON fails at once
 * with a ProtocolViolation.
 */
export class StrictMessageReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private readonly decoder: FrameDecoder;
  /**
   * Body size in bytes (its Content-Length) of the frame being delivered: valid while the
   * listen() callback runs, so a tracer gets the size without serializing the message again.
   */
  frameBytes = 0;

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    maxFrameBytes: number,
  ) {
    super();
    this.decoder = new FrameDecoder(maxFrameBytes, {
      message: (message, bytes) => {
        this.frameBytes = bytes;
        this.callback?.(message as Message);
      },
      violation: (problem, seen) => this.fireError(new ProtocolViolation(problem, seen)),
    });
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer): void => this.decoder.push(chunk);
    const onClose = (): void => this.fireClose();
    const onError = (error: Error): void => this.fireError(error);
    this.readable.on('data', onData);
    this.readable.on('end', onClose);
    this.readable.on('error', onError);
    return {
      dispose: () => {
        this.readable.off('data', onData);
        this.readable.off('end', onClose);
        this.readable.off('error', onError);
        this.callback = undefined;
      },
    };
  }
}
