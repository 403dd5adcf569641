import { encodeMessage, WireWriter } from '@plugd/protocol';
import type { EncodedMessage } from '@plugd/protocol';
import type { WireFraming } from '@plugd/protocol';

/**
 * Writes JSON-RPC frames to a plugin: Content-Length framing (the same bytes as
 * vscode-jsonrpc's StreamMessageWriter, which writes the header and the body separately),
 * or newline-delimited JSON once negotiated. The frames of one tick leave in one write
 * (protocol/src/tick-writer.ts), in order. A failed write (the pipe broke) is reported once.
 */
export class FrameWriter {
  private failed = false;
  private disposed = false;
  private readonly wire: WireWriter;

  constructor(
    output: NodeJS.WritableStream,
    private readonly onError: (error: Error) => void,
  ) {
    this.wire = new WireWriter(output, (error) => this.fail(error));
    // Stays attached after dispose(): an EPIPE on a dead pipe must never be an uncaught error.
    output.on('error', (error: Error) => this.fail(error));
  }

  /** The framing of the frames written from now on (those already queued keep theirs). */
  set framing(framing: WireFraming) {
    this.wire.framing = framing;
  }

  /** Resolves once the frame is handed to the pipe (or the write failed: reported via onError). */
  written(message: object): Promise<void> {
    return new Promise((resolve) => this.send(message, resolve));
  }

  /**
   * Writes one frame and calls `done` once it is handed to the pipe (or the write failed:
   * reported via onError). Returns it as encoded, or undefined when nothing was written.
   * `sized` (a tracer) is called with it once its `bytes` cost nothing to read
   * (WireWriter.send): at once, or when its batch leaves.
   */
  send(message: object, done: (() => void) | undefined, sized?: (frame: EncodedMessage) => void): EncodedMessage | undefined {
    if (this.failed || this.disposed) {
      done?.();
      return undefined;
    }
    const encoded = encodeMessage(message);
    this.wire.send(encoded, done, sized);
    return encoded;
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
