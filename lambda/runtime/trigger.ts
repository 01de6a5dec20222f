import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionInput, SourceObject } from '../shared/execution';
import { errorName } from './errors';
import { executionNameFor } from './execution-name';
import type { Log } from './logger';

/** The parts of an S3 event notification record the trigger reads. */
export interface S3EventRecordLike {
  readonly eventName?: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly versionId?: string; readonly eTag?: string; readonly size?: number; readonly sequencer?: string | number };
  };
}

/** The parts of S3's "Object Created" event on EventBridge (a bucket with EventBridge delivery on) the trigger reads. */
export interface S3EventBridgeEventLike {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: {
    readonly bucket?: { readonly name?: string };
    readonly object?: { readonly key?: string; readonly 'version-id'?: string; readonly etag?: string; readonly size?: number };
    readonly reason?: string;
  };
}

/** What the import function is invoked with: S3 event notifications (`Records`), or one EventBridge event. */
export type TriggerEvent = { readonly Records?: readonly S3EventRecordLike[] } & S3EventBridgeEventLike;

/**
 * The object-created records of either delivery, in the notification's shape: the same bucket,
 * (URL-encoded) key, version and ETag give the same execution name, whichever path delivered them.
 * Anything else (the s3:TestEvent S3 sends when notifications are configured, another event type)
 * gives no record.
 */
export function recordsOf(event: TriggerEvent | undefined): S3EventRecordLike[] {
  if (!event) return [];
  if (event.source === 'aws.s3' && event['detail-type'] === 'Object Created') {
    const d = event.detail;
    if (!d?.bucket?.name || typeof d.object?.key !== 'string') return [];
    return [{
      eventName: `ObjectCreated:${d.reason ?? ''}`,
      s3: {
        bucket: { name: d.bucket.name },
        object: {
          key: d.object.key,
          ...(d.object['version-id'] ? { versionId: d.object['version-id'] } : {}),
          ...(d.object.etag ? { eTag: d.object.etag } : {}),
          ...(d.object.size !== undefined ? { size: d.object.size } : {}),
        },
      },
    }];
  }
  return (event.Records ?? []).filter((r) => r && r.s3 && r.s3.object);
}

/**
 * S3 event keys are URL-encoded with `+` for spaces, in notifications and (as AWS's own Powertools
 * reads them) in EventBridge events alike.
 */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function sourceFromRecord(record: S3EventRecordLike): SourceObject {
  const o = record.s3.object;
  return {
    bucket: record.s3.bucket.name,
    key: decodeS3Key(o.key),
    ...(o.versionId ? { versionId: o.versionId } : {}),
    ...(o.eTag ? { etag: o.eTag } : {}),
    ...(o.size !== undefined ? { size: o.size } : {}),
    ...(o.sequencer !== undefined && o.sequencer !== '' ? { sequencer: String(o.sequencer) } : {}),
  };
}

/**
 * Starts one execution per object version. A re-delivered event derives the same name and
 * Step Functions answers ExecutionAlreadyExists: that is success, nothing new starts.
 */
export async function startImports(
  sfn: SFNClient, stateMachineArn: string, incomingPrefix: string, records: readonly S3EventRecordLike[], log: Log,
): Promise<{ started: string[]; duplicates: string[]; ignored: string[] }> {
  const started: string[] = [], duplicates: string[] = [], ignored: string[] = [];
  for (const record of records) {
    const source = sourceFromRecord(record);
    if ((incomingPrefix && !source.key.startsWith(incomingPrefix)) || !record.s3.bucket.name) {
      ignored.push(source.key);
      continue;
    }
    const name = executionNameFor(source.bucket, source.key, source.versionId ?? source.etag);
    const input: ExecutionInput = { source, requestedBy: 's3' };
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      started.push(name);
      log.info('import started', { key: source.key, executionName: name });
    } catch (err) {
      if (errorName(err) !== 'ExecutionAlreadyExists') throw err;
      duplicates.push(name);
      log.info('import already started for this object version', { key: source.key, executionName: name });
    }
  }
  return { started, duplicates, ignored };
}
