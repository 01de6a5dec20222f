/**
 * s3rver reads an object's length from its metadata, then streams its file; an overwrite of the same
 * key in between (PutObject truncates and rewrites the file in place) leaves the response short of the
 * promised Content-Length and the client waiting for bytes that never come, until the socket times
 * out. S3 never serves a torn object. Small whole-object reads are therefore read into memory first
 * and tried again while their length disagrees with their metadata; large or ranged reads stream as before.
 */
import { Readable } from 'stream';

/** Objects up to this size are read whole before they are served (progress objects, reports). */
const WHOLE_READ_BYTES = 1024 * 1024;
const ATTEMPTS = 5;

interface StoredObject { content?: NodeJS.ReadableStream | null; metadata: Record<string, string>; range?: unknown }
interface StoreWithGet { getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoredObject | null> }

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

export function serveWholeSmallObjects(store: StoreWithGet): void {
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    for (let attempt = 1; ; attempt++) {
      const object = await getObject(bucket, key, options);
      const length = Number(object?.metadata?.['content-length']);
      if (!object?.content || options?.start !== undefined || options?.end !== undefined || !(length <= WHOLE_READ_BYTES)) return object;
      const body = await readAll(object.content);
      if (body.length === length || attempt === ATTEMPTS) {
        object.content = Readable.from([body]);
        return object;
      }
      // Torn by a concurrent overwrite: read the new version.
    }
  };
}
