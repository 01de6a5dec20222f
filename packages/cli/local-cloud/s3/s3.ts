/**
 * Amazon S3, served by s3rver from a directory (a temporary one unless given), with S3's If-Match rule for
 * object reads, and its object events handed to the bucket notifications (s3-notifications.ts).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { honourIfMatch } from './s3-if-match';
import { createS3rver, S3rverEventRecord } from './s3rver-adapter';
import { s3Error } from '../server/server';

export interface S3ServiceOptions {
  /** Directory for S3 objects. @default a temporary directory, removed on stop */
  readonly directory?: string;
  /** Buckets that exist from the start. */
  readonly buckets: readonly string[];
  /** Called with each object-created/removed record. */
  readonly onObjectEvent: (record: S3rverEventRecord) => void;
}

export class S3Service {
  /** Creates the buckets and starts taking requests. */
  static async start(options: S3ServiceOptions): Promise<S3Service> {
    const service = new S3Service(options);
    await service.s3rver.configureBuckets();
    return service;
  }

  /** The request listener for every request the server does not route elsewhere. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  private readonly directory: string;
  private readonly s3rver;

  private constructor(private readonly options: S3ServiceOptions) {
    this.directory = options.directory ?? mkdtempSync(join(tmpdir(), 'cui-s3-'));
    this.s3rver = createS3rver(this.directory, options.buckets);
    this.s3rver.on('event', (event) => { for (const record of event?.Records ?? []) options.onObjectEvent(record); });
    this.handle = honourIfMatch(this.s3rver.callback(), this.s3rver.store, s3Error);
  }

  /** Removes the objects' directory when it was a temporary one. */
  stop(): void {
    if (!this.options.directory) rmSync(this.directory, { recursive: true, force: true });
  }
}
