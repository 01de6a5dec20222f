import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../lambda/runtime/object-store';

/** A fake S3 that assembles objects from what each call carried at the moment it was sent. */
function fakeS3() {
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { key: string; parts: Buffer[] }>();
  const bodies: Buffer[] = [];
  let n = 0;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof PutObjectCommand) {
        bodies.push(command.input.Body as Buffer);
        objects.set(command.input.Key!, Buffer.from(command.input.Body as Buffer));
        return {};
      }
      if (command instanceof CreateMultipartUploadCommand) {
        const id = `u${++n}`;
        uploads.set(id, { key: command.input.Key!, parts: [] });
        return { UploadId: id };
      }
      if (command instanceof UploadPartCommand) {
        bodies.push(command.input.Body as Buffer);
        uploads.get(command.input.UploadId!)!.parts.push(Buffer.from(command.input.Body as Buffer));
        return { ETag: `"p${command.input.PartNumber}"` };
      }
      if (command instanceof CompleteMultipartUploadCommand) {
        const u = uploads.get(command.input.UploadId!)!;
        objects.set(u.key, Buffer.concat(u.parts));
        return {};
      }
      throw new Error('unexpected command');
    },
  };
  return { client: client as unknown as S3Client, objects, bodies };
}

describe('S3ObjectStore writers', () => {
  test('parts written one after the other reuse one full-size buffer, and every object comes out whole', async () => {
    const s3 = fakeS3();
    const chunk = 64 * 1024;
    const store = new S3ObjectStore(s3.client, chunk);
    const first = Buffer.alloc(chunk * 2 + 100, 'a');
    const second = Buffer.alloc(chunk + 7, 'b');
    const a = store.writer('bucket', 'part-1.csv');
    for (let i = 0; i < first.length; i += 1000) await a.write(first.subarray(i, i + 1000));
    expect(await a.end()).toBe(first.length);
    const b = store.writer('bucket', 'part-2.csv');
    await b.write(second);
    expect(await b.end()).toBe(second.length);
    const small = store.writer('bucket', 'part-1.lines.json');
    await small.write(Buffer.from('[1,2,3]'));
    await small.end();

    expect(s3.objects.get('part-1.csv')).toEqual(first);
    expect(s3.objects.get('part-2.csv')).toEqual(second);
    expect(s3.objects.get('part-1.lines.json')?.toString()).toBe('[1,2,3]');
    // The second part's first chunk went out of the very memory the first part used.
    const firstPartBuffer = s3.bodies[0].buffer;
    expect(s3.bodies.filter((body) => body.buffer === firstPartBuffer).length).toBeGreaterThanOrEqual(4);
  });

  test('an abandoned writer gives its buffer back too, and a write after the end is not lost in a loop', async () => {
    const s3 = fakeS3();
    const store = new S3ObjectStore(s3.client, 64 * 1024);
    const a = store.writer('bucket', 'a.csv');
    await a.write(Buffer.alloc(64 * 1024 + 1, 'x'));
    await a.abort();
    const b = store.writer('bucket', 'b.csv');
    await b.write(Buffer.from('hello'));
    await b.end();
    expect(s3.objects.get('b.csv')?.toString()).toBe('hello');
    await b.write(Buffer.from('late')); // misuse, but it must terminate
  });
});
