import { randomBytes } from 'node:crypto';

/** What the sentinel line reports after each command. */
export interface CommandStatus {
  readonly seq: number;
  readonly exitCode: number;
  /** `$!`: pid of the last background job, -1 when none (as OpenHands reports it). */
  readonly pid: number;
  readonly pyInterpreterPath: string;
  readonly workingDir: string;
}

export interface MarkerMatch {
  readonly status: CommandStatus;
  /** Index in the searched text where the marker starts (output ends there). */
  readonly index: number;
  /** Index just past the marker line. */
  readonly end: number;
}

const SEP = '\x1f';

/**
 * A unique sentinel, printed after every command with its exit code, `$!`, python
 * path and pwd. The literal is assembled from two printf arguments, so neither the
 * command text nor an `set -x` trace ever contains it whole.
 */
export class Marker {
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly start = `__PLUGD_${this.nonce}_`;
  private readonly finish = `_${this.nonce}_END__`;
  private readonly pattern = new RegExp(
    `${this.start}(\\d+)${SEP}(-?\\d+)${SEP}(-?\\d*)${SEP}([^${SEP}\\n]*)${SEP}([^\\n]*?)${this.finish}\\n?`,
  );

  /** The bash line that prints the sentinel for command number `seq`. */
  line(seq: number): string {
    const [a, b] = [this.start.slice(0, 5), this.start.slice(5)];
    const [c, d] = [this.finish.slice(0, 3), this.finish.slice(3)];
    return (
      `__plugd_ec=$?; printf '%s%s%s\\037%s\\037%s\\037%s\\037%s%s%s\\n' ` +
      `'${a}' '${b}' ${seq} "$__plugd_ec" "\${!:--1}" ` +
      `"$(command -v python 2>/dev/null || command -v python3 2>/dev/null)" "$PWD" '${c}' '${d}'\n`
    );
  }

  /** Longest a marker can be minus its variable parts: how far back to rescan. */
  get overlap(): number {
    return this.start.length + this.finish.length + 4096;
  }

  find(text: string, from = 0): MarkerMatch | undefined {
    const slice = text.slice(from);
    const m = this.pattern.exec(slice);
    if (!m) return undefined;
    return {
      index: from + m.index,
      end: from + m.index + m[0].length,
      status: {
        seq: Number(m[1]),
        exitCode: Number(m[2]),
        pid: m[3] === '' || m[3] === undefined ? -1 : Number(m[3]),
        pyInterpreterPath: m[4] ?? '',
        workingDir: m[5] ?? '',
      },
    };
  }
}
