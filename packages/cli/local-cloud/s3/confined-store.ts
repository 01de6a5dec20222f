/**
 * s3rver's file store maps bucket names, keys and upload ids onto paths with `path.join`, so a
 * crafted name could reach outside its directory. The request guard refuses such names; this is
 * the second line: every path the store computes must stay inside its root, or the operation fails.
 */
import { createHash } from 'crypto';
import { isAbsolute, relative, resolve } from 'path';

interface FilesystemStoreLike {
  rootDirectory: string;
  getBucketPath(bucket: string): string;
  getResourcePath(bucket: string, key?: string, resource?: string): string;
  initiateUpload?(bucket: string, key: string, uploadId: string, metadata: unknown): Promise<unknown>;
  putPart?(bucket: string, uploadId: string, partNumber: number, content: unknown): Promise<unknown>;
  putObjectMultipart?(bucket: string, uploadId: string, parts: unknown): Promise<unknown>;
}

/** Throws unless `path` is `root` itself or lies below it. */
export function assertInside(root: string, path: string): string {
  const rel = relative(resolve(root), resolve(path));
  if (rel.startsWith('..') || isAbsolute(rel)) throw Object.assign(new Error('path outside the data directory'), { code: 'EACCES' });
  return path;
}

/** Wraps the store's path helpers (and the upload-id paths) so nothing resolves outside its root. */
export function confineStore(store: FilesystemStoreLike): void {
  const root = store.rootDirectory;
  const bucketPath = store.getBucketPath.bind(store);
  const resourcePath = store.getResourcePath.bind(store);
  store.getBucketPath = (bucket) => assertInside(root, bucketPath(bucket));
  store.getResourcePath = (bucket, key, resource) => assertInside(root, resourcePath(bucket, key, resource));
  const safeId = (uploadId: string) => {
    if (!/^[0-9a-f]{32}$/.test(String(uploadId))) throw Object.assign(new Error('invalid upload id'), { code: 'ENOENT' });
  };
  for (const method of ['putPart', 'putObjectMultipart'] as const) {
    const original = store[method]?.bind(store) as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!original) continue;
    (store as unknown as Record<string, unknown>)[method] = async (bucket: string, uploadId: string, ...rest: unknown[]) => {
      safeId(uploadId);
      return original(bucket, uploadId, ...rest);
    };
  }
  const initiate = store.initiateUpload?.bind(store);
  if (initiate) {
    store.initiateUpload = async (bucket, key, uploadId, metadata) => {
      safeId(uploadId);
      return initiate(bucket, key, uploadId, metadata);
    };
  }
}

/**
 * S3 keys may be 1,024 bytes with no `/` at all, but a file name holds 255 bytes. Key segments
 * longer than LONG_SEGMENT_BYTES are stored under a bounded name (their start, `~`, and their
 * SHA-256), and named back from a table kept for the life of the process. Set once per process:
 * s3rver's encoder is a static of its store class.
 */
const LONG_SEGMENT_BYTES = 200;
const KEEP_BYTES = 120;
const longSegments = new Map<string, string>();

function boundedSegment(segment: string): string {
  if (Buffer.byteLength(segment, 'utf8') <= LONG_SEGMENT_BYTES) return segment;
  const digest = createHash('sha256').update(segment).digest('hex');
  let head = '';
  for (const ch of segment) {
    if (Buffer.byteLength(head + ch, 'utf8') > KEEP_BYTES) break;
    head += ch;
  }
  const name = `${head}~${digest}`;
  longSegments.set(name, segment);
  return name;
}

export function allowLongKeySegments(storeClass: { encodeKeyPath(k: string): string; decodeKeyPath(p: string): string; __longSegments?: boolean }): void {
  if (storeClass.__longSegments) return;
  const encode = storeClass.encodeKeyPath.bind(storeClass);
  const decode = storeClass.decodeKeyPath.bind(storeClass);
  storeClass.encodeKeyPath = (key) => encode(key.split('/').map(boundedSegment).join('/'));
  storeClass.decodeKeyPath = (keyPath) => decode(keyPath).split('/').map((s) => longSegments.get(s) ?? s).join('/');
  storeClass.__longSegments = true;
}
