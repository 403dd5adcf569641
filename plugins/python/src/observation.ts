import { formatSeconds } from '@plugd/sdk';
import type { Observation } from '@plugd/sdk';
import type { CellResult } from './kernel.js';

export const NO_OUTPUT = '[Code executed successfully with no output]';

export interface CellObservationInput {
  readonly code: string;
  readonly result: CellResult;
  readonly timeoutMs: number;
  readonly includeExtra: boolean;
  readonly cwd: string;
  /** The shell's directory: OpenHands reports it as Jupyter's once there is one. */
  readonly shellCwd?: string;
  readonly executable: string;
}

/** Drops the KeyboardInterrupt traceback our own SIGINT caused: the note says it. */
function withoutInterruptTrace(output: string): string {
  const at = output.lastIndexOf('Traceback (most recent call last):');
  if (at >= 0 && /KeyboardInterrupt\s*$/.test(output)) return output.slice(0, at);
  return output;
}

/** An IPythonRunCellObservation: extras only `code` and `image_urls`. */
export function cellObservation(input: CellObservationInput): Observation {
  const { result } = input;
  const reply = result.reply;
  let text = reply?.output ?? '';
  let success = result.outcome === 'done' && reply?.status === 'ok';
  const notes: string[] = [];
  if (result.outcome === 'timeout' || result.outcome === 'cancelled') {
    success = false;
    text = withoutInterruptTrace(text);
    notes.push(
      result.outcome === 'timeout'
        ? `[Execution timed out (${formatSeconds(input.timeoutMs)} seconds).]`
        : '[Execution was cancelled.]',
    );
    if (result.interrupt === 'restart') {
      notes.push('[The cell ignored the interrupt, so the Python process was restarted: variables and imports are lost.]');
    } else {
      notes.push('[The cell was interrupted (KeyboardInterrupt); variables and imports are kept.]');
    }
  } else if (result.outcome === 'died') {
    success = false;
    notes.push(`[The Python process ended while running the cell (${result.detail ?? 'unknown reason'}); a new one starts with the next cell, variables and imports are lost.]`);
  }
  let content = text.replace(/\s+$/, '');
  if (notes.length > 0) content = content ? `${content}\n${notes.join('\n')}` : notes.join('\n');
  if (content === '') content = NO_OUTPUT;
  if (input.includeExtra) {
    content += `\n[Jupyter current working directory: ${input.shellCwd ?? reply?.cwd ?? input.cwd}]\n[Jupyter Python interpreter: ${reply?.executable ?? input.executable}]`;
  }
  return {
    observation: 'run_ipython',
    content,
    extras: { code: input.code, image_urls: reply?.images ?? [] },
    success,
  };
}
