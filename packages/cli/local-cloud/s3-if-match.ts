/**
 * S3 answers a GetObject/HeadObject with `If-Match` by 412 PreconditionFailed when the object's
 * ETag differs (and reads it when `*` or the ETag matches). s3rver ignores the header; the importer
 * pins its reads of unversioned objects with it, so the local S3 must honour it as S3 does.
 * Conditional writes too: a PutObject with `If-None-Match: *` fails (412) when the object exists, one
 * with `If-Match` when its ETag differs (412) or it does not exist (404) — the importer keeps the
 * newest version's report at the report key with them. Conditional writes of one key are serialized
 * here, as S3 decides them atomically.
 */
import type { IncomingMessage, ServerResponse } from 'http';

interface MetadataStore {
  getMetadata(bucket: string, key: string): Promise<{ etag?: string }>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const unquote = (s: string) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

type OnError = (res: ServerResponse, status: number, code: string, message: string) => void;
const FAILED = 'At least one of the pre-conditions you specified did not hold';

/** Wraps s3rver's request listener with S3's If-Match rule for object reads and its conditional PutObject. */
export function honourIfMatch(next: Handler, store: MetadataStore, onError: OnError): Handler {
  const writing = new Map<string, Promise<void>>();
  return (req, res) => {
    const ifMatch = req.headers['if-match'];
    const method = (req.method ?? 'GET').toUpperCase();
    const ifNoneMatch = req.headers['if-none-match'];
    // A PutObject (the SDK adds `?x-id=PutObject`), not an UploadPart or a CopyObject.
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const plainPut = method === 'PUT' && !query.has('uploadId') && !query.has('partNumber') && !req.headers['x-amz-copy-source'];
    if (plainPut && (typeof ifMatch === 'string' || typeof ifNoneMatch === 'string')) {
      return conditionalPut(req, res, next, store, onError, writing, typeof ifMatch === 'string' ? ifMatch : undefined, typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined);
    }
    if (typeof ifMatch !== 'string' || (method !== 'GET' && method !== 'HEAD')) return next(req, res);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const slash = path.indexOf('/', 1);
    if (slash < 0) return next(req, res);
    const bucket = path.slice(1, slash);
    const key = path.slice(slash + 1);
    store.getMetadata(bucket, key).then((meta) => {
      const etag = unquote(meta.etag ?? '');
      const wanted = ifMatch.split(',').map(unquote);
      if (wanted.includes('*') || wanted.includes(etag)) return next(req, res);
      onError(res, 412, 'PreconditionFailed', FAILED);
    }, () => next(req, res)); // no such object: s3rver answers NoSuchKey as S3 does
  };
}

function conditionalPut(req: IncomingMessage, res: ServerResponse, next: Handler, store: MetadataStore, onError: OnError,
  writing: Map<string, Promise<void>>, ifMatch: string | undefined, ifNoneMatch: string | undefined): void {
  const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
  const before = writing.get(path) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => { done = resolve; });
  writing.set(path, mine);
  const finish = () => { done(); if (writing.get(path) === mine) writing.delete(path); };
  res.on('close', finish);
  res.on('finish', finish);
  const slash = path.indexOf('/', 1);
  before.then(async () => {
    const meta = slash < 0 ? undefined : await store.getMetadata(path.slice(1, slash), path.slice(slash + 1)).catch(() => undefined);
    const etag = meta ? unquote(meta.etag ?? '') : undefined;
    if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && etag !== undefined) return onError(res, 412, 'PreconditionFailed', FAILED);
    if (ifMatch !== undefined) {
      if (etag === undefined) return onError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      const wanted = ifMatch.split(',').map(unquote);
      if (!wanted.includes('*') && !wanted.includes(etag)) return onError(res, 412, 'PreconditionFailed', FAILED);
    }
    next(req, res);
  }, () => next(req, res));
}
