import { AbstractMessageReader } from 'vscode-jsonrpc/node';
import type { DataCallback, Disposable, Message } from 'vscode-jsonrpc/node';
import { FrameDecoder, LineDecoder } from '@plugd/protocol';
import type { FrameSink } from '@plugd/protocol';
import { ProtocolViolation } from './protocol-violation.js';

/** What a line that breaks the negotiated framing should have been. */
const LINES_HINT = 'after the handshake this plugin writes one JSON-RPC message object per line, as it offered in initialize';

/**
 * vscode-jsonrpc's MessageReader over the shared strict FrameDecoder (protocol/): a
 * broken frame, a frame over `maxFrameBytes` or a body that is not JSON fails at once
 * with a ProtocolViolation. Once newline-delimited JSON is negotiated (acceptLines) it
 * reads lines from the plugin's first one on, as strictly.
 */
export class StrictMessageReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private readonly decoder: FrameDecoder;
  private readonly sink: FrameSink;
  /**
   * Body size in bytes (its Content-Length) of the frame being delivered: valid while the
   * listen() callback runs, so a tracer gets the size without serializing the message again.
   */
  frameBytes = 0;

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    private readonly maxFrameBytes: number,
  ) {
    super();
    this.sink = {
      message: (message, bytes) => {
        this.frameBytes = bytes;
        this.callback?.(message as Message);
      },
      violation: (problem, seen) => this.fireError(new ProtocolViolation(problem, seen)),
    };
    this.decoder = new FrameDecoder(maxFrameBytes, this.sink);
  }

  /**
   * Newline-delimited JSON was negotiated: a frame boundary may now start a JSON object
   * line (from the first one on, only lines) or, before it, a Content-Length header
   * (frames the plugin wrote before it read `initialized`).
   */
  acceptLines(): void {
    const sink = this.sink;
    const lines = new LineDecoder(this.maxFrameBytes, { message: (message, bytes) => sink.message(message as object, bytes), violation: sink.violation }, { objectsOnly: true, hint: LINES_HINT });
    this.decoder.handOver(lines, 'first-line');
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
