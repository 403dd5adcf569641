const MAX_LINE_CHARS = 2_000;

/**
 * Drains a plugin's stderr line by line (it must never stall on a full pipe) and
 * keeps the last lines for crash reports.
 */
export class StderrTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly maxLines: number,
    private readonly onLine: (line: string) => void,
    /** Applied to each line before it is kept or reported (secret values out). */
    private readonly scrub: (line: string) => string = (line) => line,
  ) {}

  attach(stream: NodeJS.ReadableStream): void {
    stream.setEncoding?.('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    stream.on('end', () => this.flush());
  }

  push(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE_CHARS) {
      parts.push(this.partial);
      this.partial = '';
    }
    for (const line of parts) this.add(line);
  }

  flush(): void {
    if (this.partial) this.add(this.partial);
    this.partial = '';
  }

  tail(count = this.maxLines): string[] {
    return this.lines.slice(-count);
  }

  private add(raw: string): void {
    const line = this.scrub(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    const kept = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (${line.length} chars)` : line;
    this.lines.push(kept);
    if (this.lines.length > this.maxLines) this.lines.shift();
    this.onLine(kept);
  }
}
