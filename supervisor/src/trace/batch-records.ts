/**
 * What a trace batch holds on its way to the write thread: records, not text. The usual
 * frame (`messages`, integer id and size) is seven numbers; the write thread turns them
 * into the JSON line the file gets (byte for byte what the encoder's line() gives), so
 * the supervisor's event loop neither formats nor copies lines at a high frame rate.
 * Every record starts on an 8-byte boundary and its first Float64 slot is its tag:
 *
 * - FRAME: [FRAME, source, fragment, time ms, id | NaN, durationMs * 1000 | NaN, bytes]
 * - TEXT: [TEXT, byte length], then that many bytes of one line (no newline), padded
 * - DEFINE: [DEFINE, index, byte length], then the UTF-8 text of a BatchText, padded
 *
 * A FRAME's source and fragment are indexes of texts DEFINEd earlier in the same batch,
 * so a batch stands alone (a new write thread needs nothing from an old one).
 */
export const RECORD = { FRAME: 1, TEXT: 2, DEFINE: 3, FRAME_BYTES: 56, TEXT_HEADER: 16, DEFINE_HEADER: 24 } as const;
export type RecordLayout = typeof RECORD;

/** `n` rounded up to a multiple of 8 (records keep the Float64 slots aligned). */
export function pad8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * A piece of a frame's line that repeats: its source (`,"plugin":..,"pid":..,"generation":..`)
 * or its fragment (`,"dir":..,"kind":..,"method":..`). Sent once per batch that uses it.
 */
export class BatchText {
  readonly bytes: Buffer;
  /** The batch it was last defined in (batch numbers are unique across files), and its index there. */
  batch = -1;
  index = 0;

  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
  }
}
