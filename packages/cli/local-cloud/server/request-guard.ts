/**
 * What the local cloud refuses before any service sees a request. It runs on the developer's
 * machine with real personal data in it, so no web page may drive it:
 *
 * - the Host must be its own loopback address and port (a DNS-rebinding page sends its own name);
 * - `/_local/*` needs the per-run token in a header (a cross-site page cannot set one without a
 *   CORS preflight, which the local cloud never grants);
 * - no browser requests to S3: no `Origin` header, no POST with a form or text body (HTML forms and
 *   "simple" cross-site requests can send those without a preflight);
 * - object keys with `.` or `..` segments are refused (s3rver's file store maps keys onto paths),
 *   and S3's documented key rule is enforced: at most 1,024 bytes of UTF-8.
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { IncomingMessage } from 'http';

/** Header that carries the `/_local/*` token. */
export const TOKEN_HEADER = 'x-local-cloud-token';

/** S3's documented limit on an object key, in bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** A refusal: HTTP status, S3-style error code and message. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Hosts a request may name: the loopback address the server listens on, `localhost` and `[::1]`, with its port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  return names.some((n) => h === `${n}:${port}` || (port === 80 && h === n));
}

/** Compares the token in constant time (both sides hashed first, so lengths never differ). */
export function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** Content types a browser sends without a CORS preflight (forms and "simple" requests). */
const BROWSER_BODY_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain'];

/** True when a key (or bucket) has an empty-name `.` or `..` segment. */
export function hasDotSegment(key: string): boolean {
  return key.split('/').some((s) => s === '.' || s === '..');
}

/** Why an S3 request (path style: `/bucket/key`) is refused, or undefined to let it through. */
export function s3Refusal(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): Refusal | undefined {
  const method = (req.method ?? 'GET').toUpperCase();
  if (req.headers.origin !== undefined) {
    return { status: 403, code: 'AccessDenied', message: 'The local cloud does not answer browser (cross-origin) requests.' };
  }
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (method === 'POST' && BROWSER_BODY_TYPES.includes(contentType)) {
    return { status: 403, code: 'AccessDenied', message: 'The local cloud does not accept browser-form (POST) uploads; use PutObject.' };
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let path: string;
  try {
    // The raw path: URL parsing would resolve the very `..` segments we look for.
    path = decodeURIComponent((req.url ?? '/').split('?')[0]);
  } catch {
    return { status: 400, code: 'InvalidURI', message: "Couldn't parse the specified URI." };
  }
  const slash = path.indexOf('/', 1);
  const bucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const key = slash < 0 ? '' : path.slice(slash + 1);
  if (bucket === '.' || bucket === '..' || hasDotSegment(key)) {
    return { status: 400, code: 'InvalidArgument', message: "The local cloud refuses object keys with '.' or '..' segments." };
  }
  const copySource = req.headers['x-amz-copy-source'];
  if (typeof copySource === 'string') {
    let source = copySource;
    try { source = decodeURIComponent(copySource.split('?')[0]); } catch { /* checked as sent */ }
    if (hasDotSegment(source.replace(/^\//, ''))) {
      return { status: 400, code: 'InvalidArgument', message: "The local cloud refuses object keys with '.' or '..' segments." };
    }
  }
  const writes = method === 'PUT' || (method === 'POST' && url.searchParams.has('uploads'));
  if (writes && key && Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    return { status: 400, code: 'KeyTooLongError', message: 'Your key is too long' };
  }
  const uploadId = url.searchParams.get('uploadId');
  if (uploadId !== null && !/^[0-9a-f]{32}$/.test(uploadId)) {
    // The local S3 issues 32 hex digits; anything else would name a path in its file store.
    return { status: 404, code: 'NoSuchUpload', message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.' };
  }
  return undefined;
}
