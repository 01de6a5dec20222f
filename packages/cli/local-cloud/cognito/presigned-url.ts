/**
 * The pre-signed upload URL a job hands out: S3-style query signing with only
 * `host;x-amz-server-side-encryption` signed, as Cognito's URLs are.
 */
import { createHmac } from 'crypto';

export const UPLOAD_PATH = '/_cognito-upload/';

export interface UrlSigner { secret: string; accountId: string; region: string; endpoint: string }

export function signUploadUrl(s: UrlSigner, poolId: string, jobId: string, createdMs: number, ttlMs: number): string {
  const d = new Date(createdMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = d.slice(0, 8);
  const expires = Math.max(0, Math.floor(ttlMs / 1000));
  const path = `${UPLOAD_PATH}${s.accountId}/${poolId}/${jobId}`;
  const q = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `LOCALCLOUDKEY/${day}/${s.region}/s3/aws4_request`,
    'X-Amz-Date': d,
    'X-Amz-Expires': String(expires),
    'X-Amz-SignedHeaders': 'host;x-amz-server-side-encryption',
  });
  q.set('X-Amz-Signature', signature(s.secret, path, q));
  return `${s.endpoint}${path}?${q.toString()}`;
}

/** The pool and job a URL's path names, when its signature is ours; undefined otherwise. */
export function parseUploadUrl(secret: string, pathname: string, search: URLSearchParams):
{ ok: true; poolId: string; jobId: string } | { ok: false; code: 'AccessDenied' | 'SignatureDoesNotMatch' } {
  const m = new RegExp(`^${UPLOAD_PATH}(\\d{12})/([\\w-]+_[0-9a-zA-Z]+)/(import-[0-9a-zA-Z-]+)$`).exec(pathname);
  const sig = search.get('X-Amz-Signature');
  if (!m || !sig) return { ok: false, code: 'AccessDenied' };
  const q = new URLSearchParams(search);
  q.delete('X-Amz-Signature');
  if (signature(secret, pathname, q) !== sig) return { ok: false, code: 'SignatureDoesNotMatch' };
  return { ok: true, poolId: m[2], jobId: m[3] };
}

function signature(secret: string, path: string, q: URLSearchParams): string {
  return createHmac('sha256', secret).update(`${path}?${q.toString()}`).digest('hex');
}
