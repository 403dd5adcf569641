import { createReadStream, existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseFlags } from '../parse-flags.js';
import { formatTraceLine, parseTraceLine } from '../trace-format.js';
import type { TraceFormatOptions, TraceLine } from '../trace-format.js';
import { UsageError } from '../usage-error.js';

export const TRACE_HELP = `Usage: plugd trace FILE [--plugin NAME] [--method M] [--follow] [--utc]

Pretty-prints a plugd trace file (JSON lines, one frame each) for a human, one line
a message: time, plugin, direction (→ to the plugin, ← from it), method, id,
duration, size and a short preview of params or result.

  --plugin NAME   only this plugin's frames (repeatable)
  --method M      only frames of this method, e.g. run (repeatable)
  --follow, -f    keep reading as the file grows, like tail -f (also across
                  rotation); stop with Ctrl-C
  --utc           times in UTC (default: local time)
  --width N       longest params/result preview (default 100 characters)

Example: plugd trace traces/shell.trace.jsonl --method run --follow`;

const POLL_MS = 200;

export async function traceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('trace', args, {
    plugin: { type: 'string', multiple: true },
    method: { type: 'string', multiple: true },
    follow: { type: 'boolean', short: 'f' },
    utc: { type: 'boolean' },
    width: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${TRACE_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`trace takes one trace file, e.g. 'plugd trace traces/echo.trace.jsonl'`);
  const file = positionals[0]!;
  const width = values.width === undefined ? 100 : Number(values.width);
  if (!Number.isInteger(width) || width < 10) throw new UsageError(`--width must be a whole number of characters >= 10, got "${values.width}"`);
  if (!values.follow && !existsSync(file)) throw new UsageError(`no trace file ${file}; trace files are set with "trace": {"file": ...} or "traceDir" in plugd.json`);

  const plugins = values.plugin;
  const methods = values.method;
  const options: TraceFormatOptions = { utc: values.utc ?? false, previewChars: width };
  const keep = (r: TraceLine): boolean => (!plugins || plugins.includes(r.plugin ?? '')) && (!methods || methods.includes(r.method ?? ''));
  const print = (line: string): void => {
    if (line.trim() === '') return;
    const record = parseTraceLine(line);
    if (!record) {
      process.stderr.write(`plugd trace: skipping a line that is not a trace record: ${line.slice(0, 120)}\n`);
      return;
    }
    if (keep(record)) process.stdout.write(`${formatTraceLine(record, options)}\n`);
  };

  if (!values.follow) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) print(line);
    return 0;
  }
  return follow(file, print);
}

/** Prints what the file holds, then what is appended, polling its size; a shrunk file (rotated) is read from its start. */
function follow(file: string, print: (line: string) => void): Promise<number> {
  let offset = 0;
  let partial = '';
  let reading = false;
  const readMore = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      const size = existsSync(file) ? statSync(file).size : 0;
      if (size < offset) {
        offset = 0;
        partial = '';
      }
      if (size === offset) return;
      const handle = await open(file, 'r');
      try {
        const buffer = Buffer.alloc(size - offset);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        offset += bytesRead;
        const text = partial + buffer.subarray(0, bytesRead).toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) print(line);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    } finally {
      reading = false;
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => readMore().catch(fail), POLL_MS);
    function stop(): void {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(0);
    }
    function fail(error: unknown): void {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      reject(error);
    }
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    readMore().catch(fail);
  });
}
