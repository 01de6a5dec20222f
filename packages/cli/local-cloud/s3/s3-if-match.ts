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

/**
 * Wraps s3rver's request listener with S3's If-Match rule for object reads and its conditional PutObject.
 * A pinned read (If-Match) and every PutObject of one key take turns, each until its response ends: a
 * pinned read answers from the object it checked, as S3's atomic replacement guarantees.
 */
export function honourIfMatch(next: Handler, store: MetadataStore, onError: OnError): Handler {
  const turns = new Map<string, Promise<void>>();
  return (req, res) => {
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    const ifNoneMatch = typeof req.headers['if-none-match'] === 'string' ? req.headers['if-none-match'] : undefined;
    const method = (req.method ?? 'GET').toUpperCase();
    // A PutObject (the SDK adds `?x-id=PutObject`), not an UploadPart or a CopyObject.
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const plainPut = method === 'PUT' && !query.has('uploadId') && !query.has('partNumber') && !req.headers['x-amz-copy-source'];
    const pinnedRead = ifMatch !== undefined && (method === 'GET' || method === 'HEAD');
    if (!plainPut && !pinnedRead) return next(req, res);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const slash = path.indexOf('/', 1);
    if (slash < 0) return next(req, res);
    inTurn(turns, path, res, async () => {
      const meta = await store.getMetadata(path.slice(1, slash), path.slice(slash + 1)).catch(() => undefined);
      const etag = meta ? unquote(meta.etag ?? '') : undefined;
      const matches = (header: string) => etag !== undefined && (header.split(',').map(unquote).includes('*') || header.split(',').map(unquote).includes(etag));
      if (pinnedRead) {
        // No such object: s3rver answers NoSuchKey as S3 does.
        if (etag !== undefined && !matches(ifMatch!)) return onError(res, 412, 'PreconditionFailed', FAILED);
        return next(req, res);
      }
      if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && etag !== undefined) return onError(res, 412, 'PreconditionFailed', FAILED);
      if (ifMatch !== undefined) {
        if (etag === undefined) return onError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        if (!matches(ifMatch)) return onError(res, 412, 'PreconditionFailed', FAILED);
      }
      next(req, res);
    });
  };
}

/** Runs `fn` after the key's earlier turns, holding the turn until the response ends. */
function inTurn(turns: Map<string, Promise<void>>, path: string, res: ServerResponse, fn: () => Promise<void>): void {
  const before = turns.get(path) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => { done = resolve; });
  turns.set(path, mine);
  const finish = () => { done(); if (turns.get(path) === mine) turns.delete(path); };
  res.on('close', finish);
  res.on('finish', finish);
  before.then(fn).catch(finish);
}
