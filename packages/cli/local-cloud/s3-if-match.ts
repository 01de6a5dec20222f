/**
 * S3 answers a GetObject/HeadObject with `If-Match` by 412 PreconditionFailed when the object's
 * ETag differs (and reads it when `*` or the ETag matches). s3rver ignores the header; the importer
 * pins its reads of unversioned objects with it, so the local S3 must honour it as S3 does.
 */
import type { IncomingMessage, ServerResponse } from 'http';

interface MetadataStore {
  getMetadata(bucket: string, key: string): Promise<{ etag?: string }>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const unquote = (s: string) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

/** Wraps s3rver's request listener with S3's If-Match rule for object reads. */
export function honourIfMatch(next: Handler, store: MetadataStore, onError: (res: ServerResponse, status: number, code: string, message: string) => void): Handler {
  return (req, res) => {
    const ifMatch = req.headers['if-match'];
    const method = (req.method ?? 'GET').toUpperCase();
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
      onError(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }, () => next(req, res)); // no such object: s3rver answers NoSuchKey as S3 does
  };
}
