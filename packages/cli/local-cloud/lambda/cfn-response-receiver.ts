/**
 * CloudFormation's side of a custom resource's answer: the pre-signed ResponseURL it hands the provider,
 * and what it makes of the JSON the provider PUTs there.
 *
 * On AWS the URL points at CloudFormation's response bucket
 * (`cloudformation-custom-resource-response-<region>.s3.amazonaws.com`), is signed with SigV4 query
 * parameters (`X-Amz-Expires=7200`, `X-Amz-SignedHeaders=host`), and the upload itself succeeds whatever
 * it holds; CloudFormation then reads the object and applies its rules (the "Custom resource response
 * objects" page of the CloudFormation User Guide): at most 4,096 bytes ("Response object is too long."),
 * Status SUCCESS or FAILED, Reason when FAILED, a non-empty PhysicalResourceId of at most 1 KB, StackId,
 * RequestId and LogicalResourceId copied from the request, Data a JSON object of name-value pairs.
 * Apart from the too-long message, the reason texts here are the local cloud's own wording.
 *
 * Locally the URL keeps that host and shape under a `/_cfn-response/` path; the Lambda sandbox routes the
 * host to the local cloud (host-routes.ts), whose server hands the PUT to {@link CfnResponses.handle}.
 */
import { createHmac, randomBytes } from 'crypto';
import { IncomingMessage, ServerResponse } from 'http';
import { readBody } from '../server/server';

export const CFN_RESPONSE_PATH = '/_cfn-response/';
const EXPIRES_SECONDS = 7200;
const MAX_BODY_BYTES = 4096;
const MAX_PHYSICAL_ID_BYTES = 1024;

/** The host of CloudFormation's response bucket in a region (`us-east-1` → `...-useast1.s3.amazonaws.com`). */
export function responseHost(region: string): string {
  return `cloudformation-custom-resource-response-${region.replace(/-/g, '')}.s3.amazonaws.com`;
}

/** What CloudFormation records for one request: the outcome it shows in the stack's events. */
export interface CfnOutcome {
  status: 'SUCCESS' | 'FAILED';
  reason: string;
  physicalResourceId?: string;
  data: Record<string, unknown>;
  noEcho: boolean;
  /** The response body as received (bytes), for tests and diagnostics. */
  bodyBytes: number;
}

export interface CfnRequestIds { stackId: string; logicalResourceId: string; requestId: string }

interface Pending extends CfnRequestIds { expiresAt: number; resolve: (o: CfnOutcome) => void; done: boolean }

export class CfnResponses {
  private readonly pending = new Map<string, Pending>();
  private readonly secret = randomBytes(32);

  constructor(private readonly region: string, private readonly now: () => number = Date.now) {}

  /** A ResponseURL for one request, and the outcome CloudFormation will record once the provider answers. */
  expect(ids: CfnRequestIds): { url: string; outcome: Promise<CfnOutcome> } {
    const key = `${ids.stackId}|${ids.logicalResourceId}|${ids.requestId}`;
    const path = `${CFN_RESPONSE_PATH}${encodeURIComponent(key)}`;
    const date = new Date(this.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `LOCALCLOUD/${date.slice(0, 8)}/${this.region}/s3/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-Expires': String(EXPIRES_SECONDS),
      'X-Amz-SignedHeaders': 'host',
    });
    query.set('X-Amz-Signature', this.sign(path, query));
    let resolve!: (o: CfnOutcome) => void;
    const outcome = new Promise<CfnOutcome>((r) => { resolve = r; });
    this.pending.set(path, { ...ids, expiresAt: this.now() + EXPIRES_SECONDS * 1000, resolve, done: false });
    return { url: `https://${responseHost(this.region)}${path}?${query.toString()}`, outcome };
  }

  /** The PUT to a ResponseURL (S3's answers for a bad signature, an expired URL, another method). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    const p = this.pending.get(url.pathname);
    const given = url.searchParams.get('X-Amz-Signature') ?? '';
    const unsigned = new URLSearchParams(url.searchParams);
    unsigned.delete('X-Amz-Signature');
    if (!p || given !== this.sign(url.pathname, unsigned)) {
      return s3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    }
    if (this.now() > p.expiresAt) return s3Error(res, 403, 'AccessDenied', 'Request has expired');
    if (req.method !== 'PUT') return s3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    // S3 stores whatever arrives; a later PUT overwrites, but CloudFormation acts on the first it reads.
    if (!p.done) {
      p.done = true;
      p.resolve(judge(body, p));
    }
    res.writeHead(200, { ETag: '"local"', 'Content-Length': 0 });
    res.end();
  }

  private sign(path: string, query: URLSearchParams): string {
    const canonical = [...query.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
    return createHmac('sha256', this.secret).update(`PUT\n${path}\n${canonical}\nhost:${responseHost(this.region)}`).digest('hex');
  }
}

/** CloudFormation's reading of a response body. */
export function judge(body: Buffer, ids: CfnRequestIds): CfnOutcome {
  const failed = (reason: string, physicalResourceId?: string): CfnOutcome => ({
    status: 'FAILED', reason, data: {}, noEcho: false, bodyBytes: body.length, ...(physicalResourceId ? { physicalResourceId } : {}),
  });
  if (body.length > MAX_BODY_BYTES) return failed('Response object is too long.');
  let r: any;
  try { r = JSON.parse(body.toString('utf8')); } catch { return failed('Invalid response object: the response is not valid JSON.'); }
  if (!r || typeof r !== 'object' || Array.isArray(r)) return failed('Invalid response object: the response is not a JSON object.');
  const physical = typeof r.PhysicalResourceId === 'string' ? r.PhysicalResourceId : undefined;
  if (r.Status !== 'SUCCESS' && r.Status !== 'FAILED') return failed(`Invalid response object: Status must be SUCCESS or FAILED; got ${JSON.stringify(r.Status ?? null).slice(0, 40)}.`, physical);
  for (const [field, expected] of [['StackId', ids.stackId], ['RequestId', ids.requestId], ['LogicalResourceId', ids.logicalResourceId]] as const) {
    if (r[field] !== expected) return failed(`Invalid response object: ${field} does not match the request.`, physical);
  }
  if (!physical || Buffer.byteLength(physical) > MAX_PHYSICAL_ID_BYTES) return failed('Invalid PhysicalResourceId', physical);
  if (r.Data !== undefined && (r.Data === null || typeof r.Data !== 'object' || Array.isArray(r.Data))) {
    return failed('Invalid response object: Data must be a JSON object.', physical);
  }
  const noEcho = r.NoEcho === true || r.NoEcho === 'true';
  if (r.Status === 'FAILED') {
    return { status: 'FAILED', reason: typeof r.Reason === 'string' && r.Reason ? r.Reason : 'FAILED (no Reason given)', physicalResourceId: physical, data: {}, noEcho, bodyBytes: body.length };
  }
  return { status: 'SUCCESS', reason: typeof r.Reason === 'string' ? r.Reason : '', physicalResourceId: physical, data: r.Data ?? {}, noEcho, bodyBytes: body.length };
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
