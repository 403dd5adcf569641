import { describe, expect, it } from '@jest/globals';
import { PromptMarker } from '../src/prompt-marker.js';
import type { PromptStatus } from '../src/prompt-marker.js';
import { PromptStream } from '../src/prompt-stream.js';

/** The marker line bash prints for `status` (as the prompt function's printf does, through a terminal). */
function promptLine(marker: PromptMarker, exitCode: number): string {
  // setup() quotes the printf format, then the marker's start and end, each in two halves.
  const parts = [...marker.setup().matchAll(/'([^']+)'/g)].map((m) => m[1]!);
  const start = parts[1]! + parts[2]!;
  const finish = parts[3]! + parts[4]!;
  return `\r\n${start}${exitCode}\x1f-1\x1f/usr/bin/python\x1f/tmp${finish}\r\n`;
}

function run(chunks: string[], marker: PromptMarker) {
  const got = { output: '', live: '', prompts: [] as PromptStatus[] };
  const stream = new PromptStream(marker, {
    output: (text, live) => {
      got.output += text;
      if (live) got.live += text;
    },
    prompt: (status) => got.prompts.push(status),
  });
  for (const chunk of chunks) stream.push(chunk);
  return got;
}

describe('PromptStream', () => {
  it("cuts the prompt's own newline wherever the chunks split, and only that one", () => {
    const marker = new PromptMarker();
    const whole = `1\r\n2\r\n${promptLine(marker, 0)}`;
    for (let cut = 0; cut <= whole.length; cut++) {
      const got = run([whole.slice(0, cut), whole.slice(cut)], marker);
      expect({ cut, output: got.output, prompts: got.prompts.map((p) => p.exitCode) }).toEqual({ cut, output: '1\r\n2\r\n', prompts: [0] });
    }
  });

  it('streams output as it comes, holding back only what may be the prompt', () => {
    const marker = new PromptMarker();
    const got = run(['hello', ' world\r\n', 'more'], marker);
    expect(got.live).toBe('hello world\r\nmore');
    const ending = run(['line\r\n'], marker);
    expect(ending.live).toBe('line'); // the newline waits: it may be the prompt's
  });
});
