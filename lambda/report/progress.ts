/**
 * The progress object of a dropped file (lambda/shared/progress.ts): the engine writes it around
 * the steps that change a file's phase, one PutObject each. Best effort: a failure to write progress
 * is logged (no user data) and never fails the step, so the import never depends on it.
 */
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import type { SourceObject } from '../shared/execution';
import type { ImportProgress } from '../shared/progress';
import type { CheckTurnInput, DescribeInQueueInput, EnqueueInput, QueueState, StartInQueueInput } from '../shared/queue-steps';
import type { ReportOutput } from '../shared/report';
import { reportKeysFor } from '../shared/report-keys';
import type { CreateAndUploadInput, DescribeOutput, FindExistingInput, HarvestInput, PartDescriptor, ReportInput, ValidateInput } from '../shared/steps';

/** The steps that change a file's phase (any other step event passes through untouched). */
type Watched = ValidateInput | FindExistingInput | CreateAndUploadInput | HarvestInput | EnqueueInput | CheckTurnInput | StartInQueueInput | DescribeInQueueInput | ReportInput;
/** Any step event (the engine's StepEvent, which this module must not import: it loads this one). */
type AnyStep = { readonly action: string };

type Fields = Omit<ImportProgress, 'progressVersion' | 'updatedAt' | 'versionId' | 'etag'>;

const partFields = (part?: PartDescriptor) => (part ? { part: part.partNumber, parts: part.partCount, total: part.rows } : {});
const jobFields = (job: DescribeOutput) => ({
  jobId: job.jobId, jobStatus: job.status, imported: job.importedUsers, skipped: job.skippedUsers, failed: job.failedUsers,
});

const sameJobState = (a: DescribeOutput, b: DescribeOutput) => a.status === b.status
  && a.importedUsers === b.importedUsers && a.skippedUsers === b.skippedUsers && a.failedUsers === b.failedUsers;

/** The phase a step starts (written before it runs), if it starts one. */
export function progressBefore(step: AnyStep): { source?: SourceObject; fields: Fields } | undefined {
  const event = step as Watched;
  switch (event.action) {
    case 'validate': return { source: event.source, fields: { phase: 'validating' } };
    case 'findExisting': return { source: event.source, fields: { phase: 'checking-users' } };
    case 'createAndUpload': return { source: event.source, fields: { phase: 'uploading', ...partFields(event.part) } };
    case 'harvest': return { source: event.source, fields: { phase: 'reading-results', ...partFields(event.part) } };
    default: return undefined;
  }
}

/** What a step found out (written after it ran): the place in the queue, the job's counts, the end. */
export function progressAfter(step: AnyStep, result: unknown): { source?: SourceObject; fields: Fields } | undefined {
  const event = step as Watched;
  switch (event.action) {
    case 'enqueue': case 'checkTurn': {
      const q = result as QueueState;
      return q.outcome === 'Waiting' ? { source: event.source, fields: { phase: 'queued', queuePosition: q.position ?? 0 } } : undefined;
    }
    case 'startInQueue': case 'describeInQueue': {
      const job = result as DescribeOutput;
      // A describe that saw nothing new writes nothing: a long job is described many times.
      if (event.action === 'describeInQueue' && sameJobState(event.job, job)) return undefined;
      return { source: event.source, fields: { phase: 'importing', ...partFields(event.part), ...jobFields(job) } };
    }
    case 'report': return { source: event.state.source, fields: { phase: 'done', status: (result as ReportOutput).status } };
    default: return undefined;
  }
}

/** Writes the progress object; any error is logged and swallowed. */
export async function writeProgress(deps: EngineDeps, config: EngineConfig, update: { source?: SourceObject; fields: Fields } | undefined): Promise<void> {
  const source = update?.source;
  // Only this importer's own objects (a refused source from elsewhere gets its report, not progress).
  if (!update || !source?.key || source.bucket !== config.bucket) return;
  const doc: ImportProgress = {
    progressVersion: 1, ...update.fields, updatedAt: deps.now().toISOString(),
    ...(source.versionId ? { versionId: source.versionId } : {}), ...(source.etag ? { etag: source.etag } : {}),
  };
  try {
    await deps.store.putText(config.bucket, reportKeysFor(config.reportPrefix, source.key).progressKey, JSON.stringify(doc), 'application/json');
  } catch (err) {
    deps.log.warn('progress not written (the import goes on)', { phase: update.fields.phase, errorName: (err as Error).name });
  }
}
