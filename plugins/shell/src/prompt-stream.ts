import type { PromptMarker, PromptStatus } from './prompt-marker.js';

/** Where a PromptStream's pieces go. */
export interface PromptSink {
  /** Command output; `live` when it arrived while the command runs (stream it), not as the text before a prompt. */
  output(text: string, live: boolean): void;
  /** A prompt: the command before it ended with this status. */
  prompt(status: PromptStatus): void;
}

/**
 * Splits the terminal's output, chunk by chunk, into command output and prompts. The
 * prompt prints a newline before its marker line, which is not the command's: it is cut.
 * A chunk may end anywhere, so the end of what arrived is held back while it could be
 * that newline or the start of a marker, and goes on with the next chunk.
 */
export class PromptStream {
  private raw = '';

  constructor(
    private readonly marker: PromptMarker,
    private readonly sink: PromptSink,
  ) {}

  push(chunk: string): void {
    this.raw += chunk;
    for (;;) {
      const match = this.marker.find(this.raw);
      if (!match) break;
      this.sink.output(this.raw.slice(0, match.index).replace(/\r?\n$/, ''), false);
      this.raw = this.raw.slice(match.end);
      this.sink.prompt(match.status);
    }
    const out = this.raw.slice(0, this.raw.length - this.held());
    this.raw = this.raw.slice(out.length);
    if (out !== '') this.sink.output(out, true);
  }

  /** The terminal closed: what was held back is output after all. */
  flush(): void {
    if (this.raw !== '') this.sink.output(this.raw, false);
    this.raw = '';
  }

  /** Characters at the end that may be a marker's start, with the newline (or its \r) before it. */
  private held(): number {
    const raw = this.raw;
    let hold = this.marker.heldBack(raw);
    const before = raw.length - hold;
    if (raw[before - 1] === '\n') hold += raw[before - 2] === '\r' ? 2 : 1;
    else if (raw[before - 1] === '\r') hold += 1; // a terminal's newline is \r\n: the \n may follow
    return hold;
  }
}
