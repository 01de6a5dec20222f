import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PREFETCH_RANGE_BYTES, PREFETCH_RANGES, S3ObjectStore } from '../../lambda/core/object-store';

/** A fake S3 that serves ranges of `data` with out-of-order delays and counts ranges in flight. */
function fakeS3(data: Buffer) {
  let inFlight = 0;
  let maxInFlight = 0;
  const ranges: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof HeadObjectCommand) return { ContentLength: data.length, ETag: '"e1"' };
      if (command instanceof GetObjectCommand) {
        const { Range, IfMatch } = command.input;
        expect(IfMatch).toBe('"e1"');
        ranges.push(Range!);
        const [, a, b] = /bytes=(\d+)-(\d+)/.exec(Range!)!.map(Number);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Later ranges answer sooner: order must come from the reader, not from the network.
        await new Promise((r) => setTimeout(r, 30 - ranges.length * 5));
        inFlight -= 1;
        const slice = new Uint8Array(data.subarray(a, b + 1));
        return { Body: (async function* () { yield slice.subarray(0, 1000); yield slice.subarray(1000); })() };
      }
      throw new Error('unexpected command');
    },
  };
  return { client: client as unknown as S3Client, ranges, maxInFlight: () => maxInFlight };
}

test('prefetch reads parallel ranges, bounded, and hands the bytes on in order', async () => {
  const data = Buffer.alloc(PREFETCH_RANGE_BYTES * 4 + 123);
  for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
  const s3 = fakeS3(data);
  const opened = await new S3ObjectStore(s3.client).open('b', 'k', undefined, { prefetch: true });
  expect(opened.length).toBe(data.length);
  const chunks: Buffer[] = [];
  for await (const c of opened.body as Readable) chunks.push(c as Buffer);
  expect(Buffer.concat(chunks).equals(data)).toBe(true);
  expect(s3.ranges).toHaveLength(5);
  expect(s3.ranges[4]).toBe(`bytes=${PREFETCH_RANGE_BYTES * 4}-${data.length - 1}`);
  expect(s3.maxInFlight()).toBeLessThanOrEqual(PREFETCH_RANGES);
  expect(s3.maxInFlight()).toBeGreaterThan(1);
});
