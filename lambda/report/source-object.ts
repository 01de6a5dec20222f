import { Transform } from 'node:stream';
import { DEPLOYMENT_COPY_FOLDER } from '../shared/bucket-layout';
import { MAX_S3_KEY_BYTES, reportKeysFor } from '../shared/report-keys';
import type { SourceObject } from '../shared/execution';
import type { ValidateInput, ValidateOutput } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import type { OpenedObject } from '../runtime/object-store';
import { rejectedKey, RejectedEntry, validationKey, ValidationSummary, workPrefixFor } from '../runtime/work-files';

export { MAX_S3_KEY_BYTES, reportKeysFor } from '../shared/report-keys';
export { BOUNDED_REPORT_FOLDER, USER_ROWS_TAG } from '../shared/bucket-layout';
export type { ReportKeys } from '../shared/report-keys';

/** Why the worker will not read an execution's source object (no reason: it may). */
export function sourceProblem(config: EngineConfig, source: SourceObject | undefined): string | undefined {
  if (!source || typeof source.bucket !== 'string' || typeof source.key !== 'string' || source.key === '') {
    return 'the execution input names no object';
  }
  if (source.bucket !== config.bucket) return "the object is not in this importer's bucket";
  const deploymentCopies = `${config.workPrefix}${DEPLOYMENT_COPY_FOLDER}`;
  if (!source.key.startsWith(config.incomingPrefix) && !source.key.startsWith(deploymentCopies)) {
    return "the object is not under this importer's incoming prefix";
  }
  if (!source.versionId && !source.etag) return 'the execution input names neither a version nor an ETag of the object';
  if (reportKeysFor(config.reportPrefix, source.key).bounded) {
    const bytes = Buffer.byteLength(source.key, 'utf8');
    return `the object key is ${bytes} bytes long: its report key would exceed S3's ${MAX_S3_KEY_BYTES}-byte limit; drop the file under a shorter key`;
  }
  if (source.size !== undefined && source.size > config.maxFileSizeBytes) {
    return `the file is ${source.size} bytes, more than this importer's maxFileSize (${config.maxFileSizeBytes} bytes); split it into smaller files`;
  }
  return undefined;
}

/**
 * Opens the execution's source object pinned to what the event named: its version when the bucket
 * is versioned, else its ETag (IfMatch), so every read of one execution sees the same bytes. Reading
 * stops with an error past `maxFileSizeBytes`, whatever size the input claimed.
 */
export async function openSource(deps: EngineDeps, config: EngineConfig, source: SourceObject): Promise<OpenedObject> {
  const ifMatch = source.versionId ? undefined : source.etag;
  const object = await deps.store.open(source.bucket, source.key, source.versionId, ifMatch ? { ifMatch } : {});
  const limit = config.maxFileSizeBytes;
  if (object.length !== undefined && object.length > limit) {
    object.body.destroy();
    throw new Error(`the file is ${object.length} bytes, more than this importer's maxFileSize (${limit} bytes)`);
  }
  let seen = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(new Error(`the file is more than this importer's maxFileSize (${limit} bytes)`));
      else done(null, chunk);
    },
  });
  object.body.on('error', (e) => capped.destroy(e));
  return { ...object, body: object.body.pipe(capped) };
}

/**
 * The validate step for a source the worker refuses: no read of the object, no job; a `Rejected`
 * outcome whose one file-level error says why (the report and the event follow as for any file).
 */
export async function refuseSource(deps: EngineDeps, config: EngineConfig, input: ValidateInput, reason: string): Promise<ValidateOutput> {
  const prefix = workPrefixFor(config.workPrefix, input.executionName);
  const error: RejectedEntry = { line: 1, message: reason };
  await deps.store.putText(config.bucket, rejectedKey(prefix), JSON.stringify(error) + '\n', 'application/x-ndjson');
  const summary: ValidationSummary = {
    outcome: 'Rejected', rows: 0, rejectedRows: 0, physicalLines: 0, fixes: {},
    rejectedKey: rejectedKey(prefix), rejectedEntries: 1, fileErrors: [error], parts: [],
  };
  await deps.store.putText(config.bucket, validationKey(prefix), JSON.stringify(summary));
  deps.log.warn('source refused before any job', { reason });
  return { outcome: 'Rejected', workPrefix: prefix, parts: [], validationKey: validationKey(prefix), rows: 0, rejectedRows: 0 };
}
