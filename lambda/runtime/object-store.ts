import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand,
  GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';

/** A streaming writer for one object: bounded memory whatever the object's size. */
export interface ObjectWriter {
  /** Keeps (a copy of) `chunk`: the caller may reuse it once the promise resolves. */
  write(chunk: Buffer): Promise<void>;
  /** Finishes the object; returns its size in bytes. */
  end(): Promise<number>;
  abort(): Promise<void>;
}

export interface OpenedObject {
  readonly body: Readable;
  readonly length?: number;
  readonly etag?: string;
}

/**
 * The object storage the engine needs, narrowed so engine modules can be tested against memory.
 * `S3ObjectStore` is the only production implementation.
 */
export interface ObjectStore {
  /** Opens the object for reading, as one streaming GetObject. */
  open(bucket: string, key: string, versionId?: string, options?: OpenOptions): Promise<OpenedObject>;
  /** `undefined` when the object does not exist. */
  getText(bucket: string, key: string): Promise<string | undefined>;
  putText(bucket: string, key: string, text: string, contentType?: string): Promise<void>;
  /** The object's text and ETag; `undefined` when it does not exist. */
  getWithEtag(bucket: string, key: string): Promise<{ text: string; etag?: string } | undefined>;
  /**
   * A conditional write (S3 `If-Match` / `If-None-Match: *`): false when the condition did not hold
   * (another writer changed or created the object since it was read), true when written.
   */
  putTextIf(bucket: string, key: string, text: string, condition: WriteCondition, contentType?: string): Promise<boolean>;
  writer(bucket: string, key: string, contentType?: string, options?: WriterOptions): ObjectWriter;
}

export interface OpenOptions {
  /** Read only if the object still has this ETag (S3 answers 412 otherwise): pins an unversioned object. */
  readonly ifMatch?: string;
}

/** Write only over this ETag, or only when the object does not exist yet. */
export type WriteCondition = { readonly ifMatch: string } | { readonly ifNoneMatch: '*' };

export interface WriterOptions {
  /** Object tags, `key=value&...` (URL-encoded), e.g. for lifecycle rules that filter on a tag. */
  readonly tagging?: string;
}


/** S3 requires every multipart part but the last to be ≥ 5 MiB; 8 MiB keeps memory flat and calls few. */
export const MULTIPART_CHUNK_BYTES = 8 * 1024 * 1024;

/** Full-size writer buffers a store keeps for its next writers (8 MiB each). */
const SPARE_BUFFERS = 1;

export class S3ObjectStore implements ObjectStore {
  /**
   * Buffers of finished writers, handed to the next ones: a file's parts are written one after the
   * other, and each would otherwise grow a new 8 MiB buffer while the last one's waits for the
   * garbage collector (measured: a few MB more peak memory at every new part).
   */
  private readonly spare: Buffer[] = [];

  constructor(private readonly s3: S3Client, private readonly chunkBytes = MULTIPART_CHUNK_BYTES) {}

  async open(bucket: string, key: string, versionId?: string, options: OpenOptions = {}): Promise<OpenedObject> {
    const VersionId = versionId || undefined;
    const IfMatch = options.ifMatch || undefined;
    // One stream: measured against ranged GetObjects in parallel (4 × 1 MiB ahead), it copied a
    // 100 MB part to the pre-signed URL faster here (0.58 vs 0.93 s) and its memory stayed flat
    // (+5 MB from 10 to 100 MB, against +22 MB).
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId, IfMatch }));
    return { body: out.Body as Readable, length: out.ContentLength, etag: out.ETag };
  }

  async getText(bucket: string, key: string): Promise<string | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await readAll(out.Body as Readable);
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async putText(bucket: string, key: string, text: string, contentType = 'application/json'): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType }));
  }

  async getWithEtag(bucket: string, key: string): Promise<{ text: string; etag?: string } | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { text: await readAll(out.Body as Readable), etag: out.ETag };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async putTextIf(bucket: string, key: string, text: string, condition: WriteCondition, contentType = 'application/json'): Promise<boolean> {
    try {
      await this.s3.send(new PutObjectCommand({
        Bucket: bucket, Key: key, Body: text, ContentType: contentType,
        ...('ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: condition.ifNoneMatch }),
      }));
      return true;
    } catch (err) {
      // 412: the condition failed; 409: a concurrent conditional write won; 404: If-Match on a deleted object.
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      if (e.name === 'PreconditionFailed' || e.name === 'ConditionalRequestConflict' || status === 412 || status === 409 || isMissing(err)) return false;
      throw err;
    }
  }

  writer(bucket: string, key: string, contentType = 'text/csv', options: WriterOptions = {}): ObjectWriter {
    const s3 = this.s3;
    const Tagging = options.tagging || undefined;
    const chunkBytes = this.chunkBytes;
    // One buffer per writer, filled in place and reused for every part: no per-part copies or
    // garbage, so memory does not grow with the number of parts. It starts small (most writers
    // write little) and grows to one multipart chunk.
    const spare = this.spare;
    let buffer = spare.pop() ?? Buffer.allocUnsafe(Math.min(64 * 1024, chunkBytes));
    let filled = 0;
    // Once the object is finished (or abandoned) its buffer goes back for the next writer.
    const giveBack = () => {
      if (buffer.length === chunkBytes && spare.length < SPARE_BUFFERS) spare.push(buffer);
      buffer = Buffer.alloc(0);
      filled = 0;
    };
    let total = 0;
    let uploadId: string | undefined;
    const etags: { ETag?: string; PartNumber: number }[] = [];

    // Sends what is buffered as the next multipart part (starting the upload on first use).
    const flushPart = async () => {
      if (!uploadId) {
        const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType, Tagging }));
        uploadId = created.UploadId;
      }
      const body = buffer.subarray(0, filled);
      const PartNumber = etags.length + 1;
      const out = await s3.send(new UploadPartCommand({
        Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body, ContentLength: body.length,
      }));
      filled = 0; // the part is sent: the buffer is free again
      etags.push({ ETag: out.ETag, PartNumber });
    };

    return {
      async write(chunk: Buffer) {
        total += chunk.length;
        let from = 0;
        while (from < chunk.length) {
          if (filled === buffer.length && buffer.length < chunkBytes) {
            const bigger = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, 64 * 1024), chunkBytes));
            buffer.copy(bigger, 0, 0, filled);
            buffer = bigger;
          }
          const n = chunk.copy(buffer, filled, from, Math.min(chunk.length, from + buffer.length - filled));
          filled += n;
          from += n;
          if (filled === chunkBytes) await flushPart();
        }
      },
      async end() {
        if (!uploadId) {
          // Small object: one PutObject of what is buffered (≤ one chunk).
          const body = buffer.subarray(0, filled);
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentType: contentType, Tagging }));
          giveBack();
          return total;
        }
        if (filled > 0) await flushPart();
        giveBack();
        await s3.send(new CompleteMultipartUploadCommand({
          Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: etags },
        }));
        return total;
      },
      async abort() {
        giveBack();
        if (uploadId) {
          await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
        }
      },
    };
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

export async function readAll(body: Readable | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
