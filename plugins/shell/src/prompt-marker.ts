import { randomBytes } from 'node:crypto';

/** What the prompt reports after each command (OpenHands' PS1 metadata). */
export interface PromptStatus {
  readonly exitCode: number;
  /** `$!`: pid of the last background job, -1 when none (as OpenHands reports it). */
  readonly pid: number;
  readonly pyInterpreterPath: string;
  readonly workingDir: string;
}

export interface PromptMatch {
  readonly status: PromptStatus;
  /** Index in the searched text where the marker starts (output ends there). */
  readonly index: number;
  /** Index just past the marker line. */
  readonly end: number;
}

const SEP = '\x1f';

/**
 * The prompt bash prints before reading each command line (from PROMPT_COMMAND, as
 * OpenHands' PS1 JSON block): a nonce-tagged line with the exit code, `$!`, python
 * path and pwd. The literal is assembled from printf arguments, so neither a command's
 * text nor `set -x` output nor `echo $PROMPT_COMMAND` ever contains it whole.
 */
export class PromptMarker {
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly start = `__PLUGD_${this.nonce}_`;
  private readonly finish = `_${this.nonce}_END__`;
  private readonly pattern = new RegExp(
    `${this.start}(-?\\d+)${SEP}(-?\\d*)${SEP}([^${SEP}\\n]*)${SEP}([^\\n]*?)${this.finish}\\r*\\n`,
  );

  /** Bash that defines the prompt function and installs it. */
  setup(): string {
    const [a, b] = [this.start.slice(0, 5), this.start.slice(5)];
    const [c, d] = [this.finish.slice(0, 3), this.finish.slice(3)];
    return (
      `__plugd_prompt() { local ec=$?; printf '\\n%s%s%s\\037%s\\037%s\\037%s%s%s\\n' ` +
      `'${a}' '${b}' "$ec" "\${!:--1}" ` +
      `"$(command -v python 2>/dev/null || command -v python3 2>/dev/null)" "$PWD" '${c}' '${d}'; }; ` +
      `PROMPT_COMMAND=__plugd_prompt; PS1=''; PS2=''; PS0=''`
    );
  }

  find(text: string): PromptMatch | undefined {
    const m = this.pattern.exec(text);
    if (!m) return undefined;
    return {
      index: m.index,
      end: m.index + m[0].length,
      status: {
        exitCode: Number(m[1]),
        pid: m[2] === '' || m[2] === undefined ? -1 : Number(m[2]),
        pyInterpreterPath: m[3] ?? '',
        workingDir: m[4] ?? '',
      },
    };
  }

  /** How many characters at the end of `text` could be the start of a marker still arriving. */
  heldBack(text: string): number {
    const at = text.lastIndexOf(this.start);
    if (at >= 0 && !this.pattern.test(text.slice(at))) return text.length - at;
    for (let k = Math.min(this.start.length - 1, text.length); k > 0; k--) {
      if (text.endsWith(this.start.slice(0, k))) return k;
    }
    return 0;
  }
}
