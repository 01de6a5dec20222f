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

/** S3 event keys are URL-encoded with `+` for spaces. */
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
