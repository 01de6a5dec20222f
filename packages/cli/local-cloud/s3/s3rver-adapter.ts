/**
 * The two places the local cloud adapts s3rver, typed and in one file: s3rver has no option for either.
 * - Credentials: s3rver accepts only its own access key (S3RVER); the local cloud, like every emulator a
 *   client points AWS_ENDPOINT_URL at, accepts any. Unknown keys resolve to s3rver's own dummy account
 *   (signatures are not checked: `allowMismatchedSignatures`).
 * - Its file store: paths confined to the data directory and long key segments (see confined-store.ts),
 *   small objects served whole, never torn by a concurrent overwrite (see whole-reads.ts), and writes that
 *   replace an object at once (S3 does): s3rver rewrites the object's file in place and its
 *   metadata after, so a read (even one pinned by If-Match to the old ETag) running while a key is dropped
 *   again got the NEW content. Here the new object is written aside and renamed over the old one.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { IncomingMessage, ServerResponse } from 'http';
import { promises as fsp } from 'fs';
import { allowLongKeySegments, confineStore } from './confined-store';
import { serveWholeSmallObjects } from './whole-reads';

/** The parts of s3rver's account model read here (lib/models/account.js). */
interface AccountModule {
  readonly DUMMY_ACCOUNT: unknown;
  readonly registry: { get(accessKeyId: string): unknown };
}

/** The parts of an s3rver instance the local cloud uses (s3rver ships no TypeScript types). */
export interface S3rverInstance {
  readonly store: Parameters<typeof confineStore>[0] & Parameters<typeof serveWholeSmallObjects>[0] & { getMetadata(bucket: string, key: string): Promise<{ etag?: string }> };
  configureBuckets(): Promise<void>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: 'event', listener: (event: { Records?: S3rverEventRecord[] }) => void): void;
}

/** One record of the S3 event s3rver emits when an object is written or removed. */
export interface S3rverEventRecord {
  eventName?: string;
  s3: { bucket: { name: string; [field: string]: unknown }; object: { key?: string; [field: string]: unknown }; [field: string]: unknown };
  [field: string]: unknown;
}

interface S3rverOptions {
  silent: boolean;
  directory: string;
  allowMismatchedSignatures: boolean;
  configureBuckets: Array<{ name: string; configs: never[] }>;
}

const anyKeyModules = new WeakSet<object>();

interface StoredObject { bucket: string; key: string; [field: string]: unknown }
interface WritableStore {
  getResourcePath(bucket: string, key?: string, resource?: string): string;
  putObject(object: StoredObject): Promise<unknown>;
}

/** Each PutObject (and multipart completion) writes under a temporary key, then renames over the object. */
function replaceAtOnce(store: WritableStore): void {
  const put = store.putObject.bind(store);
  let n = 0;
  store.putObject = async (object) => {
    const aside = `${object.key}.~writing-${process.pid}-${++n}`;
    const result = await put(Object.assign(Object.create(Object.getPrototypeOf(object)), object, { key: aside }));
    const from = (r: string) => store.getResourcePath(object.bucket, aside, r);
    const to = (r: string) => store.getResourcePath(object.bucket, object.key, r);
    // Metadata first: a read pinned to the old ETag is refused from now on, not served new bytes.
    await fsp.rename(from('metadata.json'), to('metadata.json')).catch(async () => { await fsp.rm(to('metadata.json'), { force: true }); });
    await fsp.rename(`${from('object')}.md5`, `${to('object')}.md5`).catch(async () => { await fsp.rm(`${to('object')}.md5`, { force: true }); });
    await fsp.rename(from('object'), to('object'));
    return result;
  };
}

/** Makes s3rver accept any access key (once per process: the registry is a static of its account model). */
function acceptAnyAccessKey(): void {
  const accounts: AccountModule = require('s3rver/lib/models/account');
  const registry = accounts.registry;
  if (anyKeyModules.has(registry)) return;
  const get = registry.get.bind(registry);
  registry.get = (accessKeyId: string) => get(accessKeyId) ?? accounts.DUMMY_ACCOUNT;
  anyKeyModules.add(registry);
}

/** An s3rver instance serving `buckets` from `directory`, adapted as described above. */
export function createS3rver(directory: string, buckets: readonly string[]): S3rverInstance {
  acceptAnyAccessKey();
  const S3rver: new (options: S3rverOptions) => S3rverInstance = require('s3rver');
  const s3rver = new S3rver({
    silent: true, directory, allowMismatchedSignatures: true,
    configureBuckets: [...new Set(buckets)].map((name) => ({ name, configs: [] })),
  });
  confineStore(s3rver.store);
  serveWholeSmallObjects(s3rver.store);
  replaceAtOnce(s3rver.store as unknown as WritableStore);
  allowLongKeySegments(require('s3rver/lib/stores/filesystem'));
  return s3rver;
}
