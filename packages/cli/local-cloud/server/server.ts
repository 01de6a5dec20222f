/**
 * The request listener of the single loopback HTTP server (listen.ts): routes by `X-Amz-Target` to the JSON
 * services, serves the pre-signed upload path, an admin path (`/_local/...`), and hands everything else to S3.
 */
import { createHash, randomUUID } from 'crypto';
import { IncomingMessage, RequestListener, ServerResponse } from 'http';
import { PassThrough } from 'stream';
import { CognitoBackend, UPLOAD_PATH } from '../cognito';
import { Faults } from '../faults';
import { hostAllowed, s3Refusal, TOKEN_HEADER, tokenMatches } from './request-guard';
import { AwsError } from '../util';

export type JsonHandler = (op: string, body: Record<string, any>) => unknown | Promise<unknown>;

export interface Routes {
  /** Target prefix (before the dot) → handler. */
  json: Record<string, JsonHandler>;
  /** Target prefix → a handler that reads the request itself (a service with its own HTTP front, e.g. dynalite). */
  rawJson?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;
  cognito: CognitoBackend;
  faults: Faults;
  /** S3's request listener (s3.ts). */
  s3: (req: IncomingMessage, res: ServerResponse) => void;
  admin?: (method: string, path: string, body: any) => Promise<unknown>;
  /** The per-run token `/_local/*` requests must carry in the `x-local-cloud-token` header. */
  adminToken?: string;
  /** The largest upload a pre-signed URL accepts (read per request: the behaviour can change). */
  maxUploadBytes?: number | (() => number);
  /** Other REST-style services by path prefix (e.g. the Lambda API, CloudFormation's response receiver). */
  paths?: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>>;
}

export function readBody(req: IncomingMessage, limit = Infinity): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

export function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function jsonError(res: ServerResponse, e: unknown, contentType: string): void {
  const err = e instanceof AwsError ? e : new AwsError('InternalErrorException', 'An internal error occurred.', 500);
  if (!(e instanceof AwsError)) process.stderr.write(`local cloud: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  const body = JSON.stringify({ __type: err.code, message: err.message });
  res.writeHead(err.status, {
    'Content-Type': contentType,
    'x-amzn-ErrorType': err.code,
    'x-amzn-RequestId': randomUUID(),
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Decodes an `aws-chunked` body (SigV4 streaming, optional trailers) into the plain payload. */
export function decodeAwsChunked(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) break;
    const header = buf.subarray(pos, eol).toString('latin1');
    const size = parseInt(header.split(';')[0], 16);
    if (!Number.isFinite(size)) break;
    pos = eol + 2;
    if (size === 0) break;
    out.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
  return Buffer.concat(out);
}

export function localRequestListener(routes: Routes): RequestListener {
  const maxUploadBytes = () => (typeof routes.maxUploadBytes === 'function' ? routes.maxUploadBytes() : routes.maxUploadBytes ?? 100 * 1024 * 1024);
  return (req, res) => {
    // Only our own loopback name and port: a DNS-rebinding page sends its own host name.
    if (!hostAllowed(req.headers.host, req.socket.localPort ?? 0)) {
      req.resume();
      const body = 'The local cloud answers only requests addressed to its own loopback address and port.\n';
      res.writeHead(421, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      res.end(body);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.includes('.')) {
      const raw = routes.rawJson?.[target.slice(0, target.indexOf('.'))];
      if (raw) void raw(req, res);
      else void handleJson(req, res, target);
      return;
    }
    if (url.pathname.startsWith(UPLOAD_PATH)) {
      void handleUpload(req, res, url);
      return;
    }
    const service = Object.entries(routes.paths ?? {}).find(([prefix]) => url.pathname.startsWith(prefix));
    if (service) {
      void service[1](req, res, url);
      return;
    }
    if (url.pathname.startsWith('/_local/')) {
      if (!routes.admin || !routes.adminToken || !tokenMatches(req.headers[TOKEN_HEADER], routes.adminToken)) {
        req.resume();
        const out = JSON.stringify({ message: `/_local/ needs the local cloud's token in the ${TOKEN_HEADER} header (printed when it starts).` });
        res.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
        res.end(out);
        return;
      }
      void handleAdmin(req, res, url);
      return;
    }
    const refusal = s3Refusal(req);
    if (refusal) {
      req.resume();
      return s3Error(res, refusal.status, refusal.code, refusal.message);
    }
    const enc = String(req.headers['content-encoding'] ?? '');
    const sha = String(req.headers['x-amz-content-sha256'] ?? '');
    if (enc.includes('aws-chunked') || sha.startsWith('STREAMING-')) {
      void forwardDecoded(req, res);
      return;
    }
    routes.s3(req, res);
  };

  async function handleJson(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
    const contentType = String(req.headers['content-type'] ?? 'application/x-amz-json-1.1').split(';')[0];
    const dot = target.indexOf('.');
    const prefix = target.slice(0, dot);
    const op = target.slice(dot + 1);
    try {
      const raw = await readBody(req);
      const handler = routes.json[prefix];
      if (!handler) throw new AwsError('UnknownOperationException', `The local cloud does not serve ${prefix}.`);
      let body: Record<string, any> = {};
      if (raw.length) {
        try { body = JSON.parse(raw.toString('utf8')); } catch { throw new AwsError('SerializationException', 'The request body is not valid JSON.'); }
      }
      const result = await handler(op, body ?? {});
      const out = JSON.stringify(result ?? {});
      res.writeHead(200, { 'Content-Type': contentType, 'x-amzn-RequestId': randomUUID(), 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    } catch (e) {
      jsonError(res, e, contentType);
    }
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      if (req.method !== 'PUT') {
        await readBody(req);
        return s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
      const failure = routes.faults.takePutFailure();
      if (failure === 'reset') {
        req.socket.destroy();
        return;
      }
      if (failure === '500') {
        await readBody(req);
        return s3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      }
      const verdict = routes.cognito.verifyUpload(url.pathname, url.searchParams);
      if ('status' in verdict) {
        await readBody(req);
        return s3Error(res, verdict.status, verdict.code, verdict.message);
      }
      const sse = req.headers['x-amz-server-side-encryption'];
      if (sse !== 'aws:kms') {
        await readBody(req);
        return s3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
      }
      // An unsigned Content-Type is accepted: S3 checks only the signed headers (host;x-amz-server-side-encryption).
      const unsigned = Object.keys(req.headers).filter((h) => h.startsWith('x-amz-') && h !== 'x-amz-server-side-encryption');
      if (unsigned.length) {
        await readBody(req);
        return s3Error(res, 403, 'AccessDenied', 'There were headers present in the request which were not signed');
      }
      const declared = req.headers['content-length'];
      if (declared === undefined || req.headers['transfer-encoding'] !== undefined) {
        await readBody(req);
        return s3Error(res, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
      }
      const maxUpload = maxUploadBytes();
      if (Number(declared) > maxUpload) {
        req.socket.destroy();
        return;
      }
      const body = await readBody(req, maxUpload);
      if (body.length !== Number(declared)) return s3Error(res, 400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
      routes.cognito.acceptUpload(verdict.job, body);
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      res.writeHead(200, { ETag: etag, 'x-amz-server-side-encryption': 'aws:kms', 'Content-Length': 0 });
      res.end();
    } catch {
      if (!res.headersSent) { try { s3Error(res, 400, 'IncompleteBody', 'The request body was incomplete.'); } catch { /* socket gone */ } }
    }
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const raw = await readBody(req);
      const body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      const result = await routes.admin!(req.method ?? 'GET', url.pathname, body);
      const out = JSON.stringify(result ?? {});
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    } catch (e) {
      const out = JSON.stringify({ message: (e as Error).message });
      res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    }
  }

  /** s3rver does not understand `aws-chunked` bodies: decode them and replay the request to it. */
  async function forwardDecoded(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const body = decodeAwsChunked(raw);
    const headers: Record<string, any> = { ...req.headers };
    headers['content-length'] = String(body.length);
    const enc = String(headers['content-encoding'] ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== 'aws-chunked');
    if (enc.length) headers['content-encoding'] = enc.join(','); else delete headers['content-encoding'];
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    delete headers['x-amz-decoded-content-length'];
    delete headers['x-amz-trailer'];
    delete headers['transfer-encoding'];
    const fake = new PassThrough() as unknown as IncomingMessage;
    Object.assign(fake, {
      headers, method: req.method, url: req.url, httpVersion: req.httpVersion, httpVersionMajor: req.httpVersionMajor,
      httpVersionMinor: req.httpVersionMinor, socket: req.socket, connection: req.socket, rawHeaders: [],
    });
    routes.s3(fake, res);
    (fake as unknown as PassThrough).end(body);
  }
}
