import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { GcPacer } from './gc-pacer';

/** What the pre-signed URL's server answered. */
export interface PutResult {
  readonly status: number;
  /** First few KB of the response body (S3 error XML), for classifying failures. */
  readonly body: string;
}

/**
 * PUT a body of known length to a pre-signed URL. Only the headers Cognito signs are sent:
 * `x-amz-server-side-encryption: aws:kms` and the exact `Content-Length` (adding e.g. Content-Type
 * breaks the signature). Works with https:// (AWS) and http:// (the local cloud).
 */
export type PresignedPut = (url: string, body: Readable, length: number) => Promise<PutResult>;

export const nodePresignedPut = (timeoutMs = 10 * 60 * 1000): PresignedPut => (url, body, length) =>
  new Promise<PutResult>((resolve, reject) => {
    const target = new URL(url);
    const transport = target.protocol === 'http:' ? http : https;
    const req = transport.request(target, {
      method: 'PUT',
      headers: { 'x-amz-server-side-encryption': 'aws:kms', 'Content-Length': String(length) },
      timeout: timeoutMs,
    });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      body.destroy();
      req.destroy();
      reject(err);
    };
    req.on('timeout', () => fail(new Error('PUT to the pre-signed URL timed out')));
    req.on('error', fail);
    body.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => { if (kept < 4096) { chunks.push(c); kept += c.length; } });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 4096) });
      });
    });
    sendCoalesced(body, req).catch(fail);
  });

/** The PUT body goes out in pieces of about this size (1 piece in memory at a time). */
const PUT_PIECE_BYTES = 1024 * 1024;

/**
 * Streams `body` into `req` gathered into ~1 MiB writes instead of the ~64 KiB reads it arrives in:
 * the request is corked while a piece gathers and uncorked once (one writev of the chunks as they
 * are, no joined copy), then waits for the socket to drain, so memory stays about one piece.
 */
async function sendCoalesced(body: Readable, req: http.ClientRequest): Promise<void> {
  let gathered = 0;
  let corked = false;
  // Each chunk is garbage once the socket took it: collected as it goes (see gc-pacer).
  const gc = new GcPacer();
  const drained = () => new Promise<void>((resolve, reject) => {
    const onDrain = () => { req.off('error', onError); resolve(); };
    const onError = (err: Error) => { req.off('drain', onDrain); reject(err); };
    req.once('drain', onDrain);
    req.once('error', onError);
  });
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (!corked) { req.cork(); corked = true; }
    req.write(buf);
    gathered += buf.length;
    gc.moved(buf.length);
    if (gathered >= PUT_PIECE_BYTES) {
      req.uncork();
      corked = false;
      gathered = 0;
      if (req.writableNeedDrain) await drained();
    }
  }
  if (corked) req.uncork();
  req.end();
}

/** S3 answers an expired pre-signed URL with 403 AccessDenied "Request has expired". */
export function isExpiredUrlResponse(r: PutResult): boolean {
  return r.status === 403 && /expired/i.test(r.body);
}

/** Worth another try with the same URL: server-side trouble or throttling. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
