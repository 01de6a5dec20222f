/** The local S3's conditional writes and atomic replacement, which keep the newest report at a key. */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { S3ObjectStore } from '../../lambda/runtime/object-store';
import { sourceFromRecord } from '../../lambda/runtime/trigger';
import { nextSequencer } from '../../packages/cli/local-cloud/s3/s3-notifications';

let cloud: LocalCloud | undefined;
afterEach(async () => { await cloud?.stop(); cloud = undefined; });

test('If-None-Match: * writes only a new object; If-Match only over the ETag read', async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false });
  const store = new S3ObjectStore(cloud.s3);
  const b = cloud.bucket;
  expect(await store.putTextIf(b, 'reports/a.json', '1', { ifNoneMatch: '*' })).toBe(true);
  expect(await store.putTextIf(b, 'reports/a.json', '2', { ifNoneMatch: '*' })).toBe(false);
  const read = await store.getWithEtag(b, 'reports/a.json');
  expect(read?.text).toBe('1');
  await cloud.s3.send(new PutObjectCommand({ Bucket: b, Key: 'reports/a.json', Body: 'changed' }));
  expect(await store.putTextIf(b, 'reports/a.json', '3', { ifMatch: read!.etag! })).toBe(false);
  const again = await store.getWithEtag(b, 'reports/a.json');
  expect(await store.putTextIf(b, 'reports/a.json', '4', { ifMatch: again!.etag! })).toBe(true);
  expect(await store.putTextIf(b, 'reports/missing.json', '5', { ifMatch: again!.etag! })).toBe(false);
  expect(await store.getText(b, 'reports/a.json')).toBe('4');
});

test('a read pinned to an ETag never returns the bytes of a replacement', async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false });
  const c = cloud;
  const old = Buffer.alloc(2 * 1024 * 1024, 'a');
  const put = await c.s3.send(new PutObjectCommand({ Bucket: c.bucket, Key: 'incoming/x.csv', Body: old }));
  const reading = c.s3.send(new GetObjectCommand({ Bucket: c.bucket, Key: 'incoming/x.csv', IfMatch: put.ETag }));
  const replacing = c.s3.send(new PutObjectCommand({ Bucket: c.bucket, Key: 'incoming/x.csv', Body: Buffer.alloc(2 * 1024 * 1024, 'b') }));
  const body = Buffer.from(await (await reading).Body!.transformToByteArray());
  await replacing;
  expect(body.equals(old)).toBe(true);
});

test('events carry a strictly increasing sequencer, which the trigger passes on', () => {
  const a = nextSequencer(), b = nextSequencer();
  expect(a < b).toBe(true);
  const source = sourceFromRecord({ s3: { bucket: { name: 'b' }, object: { key: 'incoming/k.csv', eTag: 'e', sequencer: b } } });
  expect(source.sequencer).toBe(b);
});
