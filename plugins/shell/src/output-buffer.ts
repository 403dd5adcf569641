import { MAX_OUTPUT_CHARS } from './truncate.js';

/** Past this many buffered characters the middle is dropped while streaming. */
const SOFT_LIMIT = 1_000_000;
const KEEP_TAIL = 200_000;

/**
 * Output of one command as it streams in. Bounded in memory: a command printing
 * gigabytes keeps its head and its tail, and the count of what was dropped.
 */
export class OutputBuffer {
  private head = '';
  text = '';
  dropped = 0;

  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > SOFT_LIMIT) {
      if (this.head === '') this.head = this.text.slice(0, MAX_OUTPUT_CHARS);
      const cut = this.text.length - KEEP_TAIL;
      const from = this.head.length > 0 && this.dropped === 0 ? this.head.length : 0;
      this.dropped += cut - from;
      this.text = this.text.slice(cut);
    }
  }

  /** Output up to `end` of the live text, with the kept head in front. */
  output(end: number): string {
    return this.head + this.text.slice(0, end);
  }
}
