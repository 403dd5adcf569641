import { PlugdError } from '../errors.js';

const QUOTE_BYTES = 160;

/** The plugin wrote bytes that are not a valid frame; the stream cannot be resynced. */
export class ProtocolViolation extends PlugdError {
  /** The first bytes written at the broken frame boundary, as text. */
  readonly quote: string;

  constructor(problem: string, bytes: Buffer) {
    const quote = bytes.subarray(0, QUOTE_BYTES).toString('utf8');
    super('PROTOCOL_VIOLATION', `${problem}; it wrote: ${JSON.stringify(quote)}`);
    this.name = 'ProtocolViolation';
    this.quote = quote;
  }
}
