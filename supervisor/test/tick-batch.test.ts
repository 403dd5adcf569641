/** Writes made in one tick leave in one write(), same bytes in the same order; failures reach every waiter. */
import { describe, expect, it } from '@jest/globals';
import { PassThrough, Writable } from 'node:stream';
import { TickBatch } from '../src/rpc/tick-batch.js';

describe('TickBatch', () => {
  it('coalesces the writes of one tick into one write, in order, and resolves them all', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const batch = new TickBatch(out, () => undefined);
    await Promise.all([batch.write('a\n'), batch.write('b\n'), batch.write('c\n')]);
    await batch.write('d\n');
    expect(chunks).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('rejects every write of a failed batch and reports the error once', async () => {
    const out = new PassThrough();
    out.on('error', () => undefined);
    out.end();
    const errors: Error[] = [];
    const batch = new TickBatch(out, (error) => errors.push(error));
    const results = await Promise.allSettled([batch.write('a\n'), batch.write('b\n')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(errors).toHaveLength(1);
  });
});
